/** /隐私: the full 隐私说明 any time, with this community's contact and retention periods. */
import { z } from "zod";
import { DEFAULT_RETENTION } from "../../core/privacy/policy.ts";
import { statementText } from "../../core/privacy/statement.ts";
import { privacyOf } from "../../db/privacy/settings.ts";
import { field } from "../core/fields.ts";
import { openCommand } from "../core/types.ts";
import { privacyPageUrl } from "./notice.ts";

export const privacyCommand = openCommand({
  name: "隐私",
  aliases: ["privacy", "隐私说明", "个人信息"],
  summary: "查看隐私说明：助手保存什么、为什么、保存多久，以及如何获取副本或删除",
  examples: ["/隐私"],
  args: z.object({
    // Anything typed after /隐私 is ignored: the statement is the same for everyone.
    rest: field(z.string().max(300).optional(), { label: "内容", keys: [], token: "rest" }),
  }),
  async run(ctx) {
    const defaults = ctx.settings.privacy?.retention ?? DEFAULT_RETENTION;
    const own = ctx.community ? await privacyOf(ctx.db, ctx.community.id, defaults) : { contact: null, retention: defaults };
    const pageUrl = privacyPageUrl(ctx.settings);
    return statementText({ ...own, ...(pageUrl ? { pageUrl } : {}) });
  },
});
