/** /周报: this week's digest now (admins, principals); /周报 订阅 | 退订: the weekly digest 1:1 for any member. */
import { z } from "zod";
import { composeDigest } from "../../core/digest/compose.ts";
import { phoneDigest } from "../../core/digest/phone.ts";
import { computeProgress } from "../../core/progress.ts";
import { DIGEST_LIMIT, packSections } from "../../core/digest/pack.ts";
import { loadDigestInput } from "../../db/digest-input.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit } from "../core/support.ts";
import { termOf } from "../core/term.ts";
import { boundCommand, type BoundContext, type CommandResult } from "../core/types.ts";

async function subscribe(ctx: BoundContext, on: boolean): Promise<string> {
  const before = await ctx.db.member.findUniqueOrThrow({ where: { id: ctx.member.id }, select: { digest: true } });
  await ctx.db.member.update({ where: { id: ctx.member.id }, data: { digest: on } });
  await audit(ctx, "set", "member.digest", ctx.member.id, { digest: before.digest }, { digest: on });
  const direct = ctx.message.chatType === "direct" ? "" : "\n提示：请先私聊我发一句话（例如 /周报 订阅），企业微信只有这样我才能私聊发给您。";
  return on ? `✅ 已订阅周报，每周会私聊发给您。退订：/周报 退订${direct}` : "✅ 已退订周报，不再私聊发给您（群里的简版不受影响）。重新订阅：/周报 订阅";
}

/**
 * /周报: one phone screen (the reader's school and what is behind first), the full digest one
 * button away; /周报 全部: the full digest the weekly push sends, a principal's school first.
 */
export async function showDigest(ctx: BoundContext, full: boolean): Promise<CommandResult> {
  const { today, term } = termOf(ctx);
  const input = await loadDigestInput(ctx.db, ctx.community, term, today, ctx.now);
  if (!full) {
    const report = computeProgress(input.progress);
    const url = ctx.settings.forms ? `${ctx.settings.forms.baseUrl}/` : undefined;
    const more = `完整周报：/周报 全部${url ? `；网页版：${url}` : ""}`;
    const text = [...phoneDigest(input, report, ctx.member.schoolId), more].join("\n");
    return [{ text, actions: [{ label: "完整周报", command: "/周报 全部" }], ...(url ? { link: { label: "网页版", url } } : {}) }];
  }
  const own = ctx.member.roles.includes("principal") ? ctx.member.schoolId : null;
  const digest = composeDigest(input, { ownSchoolId: own, short: false });
  return packSections(digest.sections, DIGEST_LIMIT[ctx.message.platform]).map((text) => ({ text }));
}

export const digestCommand = boundCommand({
  name: "周报",
  aliases: ["digest", "周报告"],
  summary: "本周周报的要点（管理员、校长）；/周报 全部 看完整周报；/周报 订阅 每周私聊收到",
  examples: ["/周报", "/周报 全部", "/周报 订阅", "/周报 退订"],
  args: z.object({
    action: field(z.enum(["show", "all", "on", "off"]).default("show"), {
      label: "操作",
      keys: [],
      token: "choice",
      placeholder: "订阅",
      choices: { 订阅: "on", 开: "on", 退订: "off", 取消订阅: "off", 关: "off", 查看: "show", 全部: "all", 完整: "all", 详细: "all" },
    }),
  }),
  async run(ctx, { action }) {
    if (action === "on" || action === "off") return subscribe(ctx, action === "on");
    if (!ctx.member.roles.includes("admin") && !ctx.member.roles.includes("principal")) {
      throw new UserError("周报由管理员和校长查看。想每周私聊收到，请发送：/周报 订阅");
    }
    if (ctx.schools.length === 0) throw new UserError("还没有添加学校，周报无从统计。管理员可发送：/学校 添加 清涧县第二小学 核心 二小");
    return showDigest(ctx, action === "all");
  },
});
