import { z } from "zod";
import { DateTime } from "luxon";
import { defaultTermFor, type Term } from "../../core/terms.ts";
import { groupLinkBinding, signInOf } from "../core/form-link.ts";
import { downloadLink, FILE_FETCH_LINK_MS } from "../links/index.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { schoolName } from "../core/support.ts";
import { termOf } from "../core/term.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";

const WHAT = { 台账: "ledger", 总结: "summary", ledger: "ledger", summary: "summary" } as const;

function rangeOf(ctx: BoundContext, period: string | undefined, from?: string, to?: string): Term {
  const { term } = termOf(ctx);
  if (from || to) {
    if (!from || !to) throw new UserError("起止日期要写两个，例如：/导出 台账 2026-09-01 2026-12-31");
    if (from > to) throw new UserError(`开始日期 ${from} 晚于结束日期 ${to}，请对调。例如：/导出 台账 2026-09-01 2026-12-31`);
    return { name: `${from}至${to}`, start: from, end: to };
  }
  if (period === "上学期") return defaultTermFor(DateTime.fromISO(term.start).minus({ days: 1 }).toISODate() ?? term.start);
  return term;
}

export const exportCommand = boundCommand({
  name: "导出",
  aliases: ["export", "下载"],
  summary: "导出活动台账（Excel）或学期工作总结（Word）（管理员、校长）",
  examples: ["/导出 台账", "/导出 台账 上学期", "/导出 总结", "/导出 台账 2026-09-01 2026-12-31"],
  args: z.object({
    what: field(z.enum(["ledger", "summary"]).optional(), { label: "台账|总结", keys: ["内容"], token: "choice", choices: WHAT, required: true, placeholder: "台账|总结" }),
    period: field(z.enum(["本学期", "上学期"]).optional(), {
      label: "本学期|上学期",
      keys: ["学期"],
      token: "choice",
      choices: { 本学期: "本学期", 这学期: "本学期", 上学期: "上学期", 上个学期: "上学期" },
    }),
    from: field(z.object({ date: z.string(), time: z.string().optional() }).optional(), { label: "开始日期", keys: ["从", "开始"], token: "date" }),
    to: field(z.object({ date: z.string(), time: z.string().optional() }).optional(), { label: "结束日期", keys: ["到", "结束"], token: "date" }),
    school: field(z.number().int().optional(), { label: "学校", keys: ["学校"], token: "school" }),
  }),
  async run(ctx, args) {
    const roles = ctx.member.roles;
    if (!roles.includes("admin") && !roles.includes("principal")) throw new UserError("只有管理员和校长可以导出台账和总结。");
    if (!args.what) throw new UserError("要导出什么？例如：/导出 台账 或 /导出 总结");
    const range = rangeOf(ctx, args.period, args.from?.date, args.to?.date);
    // A principal's export is their own school's unless they name another.
    const school = args.school ?? (roles.includes("admin") ? undefined : (ctx.member.schoolId ?? undefined));
    const payload = {
      w: args.what,
      c: ctx.community.id,
      m: ctx.member.id,
      n: range.name,
      f: range.start,
      t: range.end,
      ...(school !== undefined ? { s: school } : {}),
      ...(ctx.message.chatType === "direct" ? { p: 1 as const } : {}),
    };
    // In a group on a platform with web sign-in, the link shown opens only for a signed-in admin or
    // principal of the community; the platform's file message is fetched through a bearer link
    // that lives minutes and is never shown. Without sign-in every member of the group gets the
    // file message anyway, so its link gives nobody there more than they already have.
    // Asked for on a platform with web sign-in (group or 1:1), the workbook's photo links open only signed in (`sp`).
    const signedInOnly = groupLinkBinding(ctx) === "signed-in";
    const { url, hours } = downloadLink(ctx.settings.forms, { ...payload, ...signInOf(ctx), ...(signedInOnly ? { si: 1 as const } : {}) }, ctx.now);
    const fileUrl = signedInOnly ? downloadLink(ctx.settings.forms, { ...payload, ...signInOf(ctx) }, ctx.now, FILE_FETCH_LINK_MS).url : url;
    const what = args.what === "ledger" ? "活动台账（Excel）" : "工作总结（Word）";
    const scope = school !== undefined ? `${schoolName(ctx.schools, school) ?? "本校"}` : "全共同体";
    const opens = signedInOnly ? "只有本共同体的管理员和校长登录后能打开" : "打开即可下载";
    const text = [`📎 ${range.name} ${scope}${what}：`, url, `链接${hours}小时内有效，${opens}，请勿转发。`].join("\n");
    return [{ text, link: { label: `下载${what}`, url }, file: { url: fileUrl, label: what } }];
  },
});
