/**
 * /设置 隐私: the community's contact for personal-data requests and its retention periods.
 * Anyone may read them (they are part of the notice); only an admin changes them.
 */
import { DEFAULT_RETENTION, retentionLines } from "../../core/privacy/policy.ts";
import { privacyOf, setPrivacy } from "../../db/privacy/settings.ts";
import { UserError } from "../core/errors.ts";
import type { VerbUsage } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import type { BoundContext } from "../core/types.ts";

/** The usage lines of /设置 隐私 (the sub-verb's entry in /设置's schema). */
export const PRIVACY_SETTINGS_VERB: readonly VerbUsage[] = [
  { does: "查看个人信息联系人和保存期限" },
  { args: "联系人 王主任 13800000000", does: "个人信息请求找谁（管理员）" },
  { args: "消息 180天", does: "消息与推送记录保存多久（30—3650天）" },
  { args: "照片 1学期", does: "照片在记录所在学期之后再保存几个学期（0—10）" },
];

/** The lines /设置 shows about privacy, for this community. */
export async function privacySummary(ctx: BoundContext): Promise<string> {
  const own = await privacyOf(ctx.db, ctx.community.id, ctx.settings.privacy?.retention ?? DEFAULT_RETENTION);
  return [`个人信息联系人：${own.contact ?? "未设置"}`, "保存期限：", ...retentionLines(own.retention)].join("\n");
}

const DAYS = /^(\d{1,4})(天|日)?$/;
const TERMS = /^(\d{1,2})(个)?(学期)?$/;

/** `usage`: the /设置 隐私 usage lines, generated from /设置's schema. */
export async function privacySettings(ctx: BoundContext, words: string[], usage: string): Promise<string> {
  const [what, ...rest] = words;
  if (what === undefined) return `${await privacySummary(ctx)}\n\n${usage}`;
  requireRole(ctx, ["admin"], "修改隐私设置");
  if (what === "联系人") {
    const contact = rest.join(" ").trim();
    if (contact === "") throw new UserError("请写上联系人，例如：/设置 隐私 联系人 王主任 13800000000");
    if ([...contact].length > 60) throw new UserError("联系人不超过60个字，例如：/设置 隐私 联系人 王主任 13800000000");
    await setPrivacy(ctx.db, ctx.community.id, { contact }, ctx.now);
    await audit(ctx, "set", "privacyContact", ctx.community.id, null, null);
    return `✅ 个人信息联系人：${contact}（/隐私 和隐私说明里会显示）。`;
  }
  if (what === "消息") {
    const m = DAYS.exec(rest.join(""));
    const days = m ? Number(m[1]) : Number.NaN;
    if (!(days >= 30 && days <= 3650)) throw new UserError("消息保存天数写 30 到 3650 之间的数字，例如：/设置 隐私 消息 180天");
    await setPrivacy(ctx.db, ctx.community.id, { messageDays: days }, ctx.now);
    await audit(ctx, "set", "messageRetention", ctx.community.id, null, { days });
    return `✅ 消息与推送记录保存 ${days} 天，之后每天自动删除。`;
  }
  if (what === "照片") {
    const m = TERMS.exec(rest.join(""));
    const terms = m ? Number(m[1]) : Number.NaN;
    if (!(terms >= 0 && terms <= 10)) throw new UserError("照片保存学期数写 0 到 10 之间的数字，例如：/设置 隐私 照片 1学期");
    await setPrivacy(ctx.db, ctx.community.id, { photoTerms: terms }, ctx.now);
    await audit(ctx, "set", "photoRetention", ctx.community.id, null, { terms });
    return `✅ 照片保存到记录所在学期${terms > 0 ? `之后再 ${terms} 个学期` : "结束"}，之后自动删除。`;
  }
  throw new UserError(`没看懂「${what}」。\n${usage}`);
}
