/**
 * The link to the ledger upload page (/i): signed, bound to the admin, chat and community like a
 * form link, expiring; its own kind in core/links, so the form routes refuse it and the upload
 * route accepts nothing else.
 */
import { signLink } from "../../core/links/index.ts";
import type { Reply } from "../../messages/messages.ts";
import { askedInChat } from "../core/form-link.ts";
import type { BoundContext } from "../core/types.ts";

export const IMPORT_COMMAND = "导入";

export function importLinkReply(ctx: BoundContext): Reply {
  const { forms, expiresAt, asked } = askedInChat(ctx);
  const link = signLink(forms, { l: "i", ...asked });
  const hours = Math.round((expiresAt.getTime() - ctx.now.getTime()) / 3_600_000);
  const text = [
    `📥 点开链接上传已有的活动台账（Excel .xlsx 或 CSV，${hours}小时内有效）：`,
    link,
    "表头写 日期、活动类型、主办学校、参与学校、学科、课题、主讲、人数、备注 即可（顺序不限，上面可以有标题行）。上传后先给你预览，确认后才记录。",
  ].join("\n");
  return { text, link: { label: "上传台账", url: link } };
}
