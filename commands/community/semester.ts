import { z } from "zod";
import { followTermChange } from "../../db/terms.ts";
import { daysBetween, fromDay } from "../../core/dates.ts";
import { defaultTermName, termWeeks, type Term } from "../../core/terms.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import { termOf } from "../core/term.ts";
import { boundCommand } from "../core/types.ts";

const dateValue = z.object({ date: z.string(), time: z.string().optional() });
const MAX_TERM_DAYS = 250;

function termText(term: Term, today: string): string {
  const w = termWeeks(term, today);
  const where = today < term.start ? `还没开始（${term.start} 开学）` : today > term.end ? "已结束" : `今天是第 ${w.current} 周，还剩 ${w.left} 周`;
  return `${term.name}：${term.start} 至 ${term.end}，共 ${w.total} 周；${where}`;
}

export const semesterCommand = boundCommand({
  name: "学期",
  aliases: ["term", "semester"],
  summary: "查看本学期和剩余周数；管理员可设置本共同体的学期起止日期（进度、列表按它统计）",
  examples: ["/学期", "/学期 设置 2026-09-01 2027-01-16 秋季学期"],
  args: z.object({
    action: field(z.enum(["show", "set"]).default("show"), { label: "设置", keys: [], token: "choice", choices: { 设置: "set", 设定: "set", set: "set", 查看: "show" }, placeholder: "设置" }),
    start: field(dateValue.optional(), { label: "开始日期", keys: ["开始", "开学"], token: "date" }),
    end: field(dateValue.optional(), { label: "结束日期", keys: ["结束", "放假"], token: "date" }),
    name: field(z.string().min(2, "至少两个字").max(30, "不超过30个字").optional(), { label: "名称", keys: ["名称"], token: "text" }),
  }),
  async run(ctx, args) {
    const { today, term } = termOf(ctx);
    if (args.action === "show") {
      if (args.start || args.end || args.name) throw new UserError("要设置学期请写「设置」。例如：/学期 设置 2026-09-01 2027-01-16 秋季学期");
      const own = ctx.community.termStart ? "" : "\n（本共同体未设置学期，按默认日历；管理员可发送 /学期 设置 开始日期 结束日期 [名称]）";
      return `📅 ${termText(term, today)}${own}`;
    }
    requireRole(ctx, ["admin"], "设置学期");
    if (!args.start || !args.end) throw new UserError("请写上开始和结束日期。例如：/学期 设置 2026-09-01 2027-01-16 秋季学期");
    const [start, end] = [args.start.date, args.end.date];
    const days = daysBetween(start, end);
    if (days < 28) throw new UserError(`结束日期 ${end} 应在开始日期 ${start} 之后至少4周。例如：/学期 设置 2026-09-01 2027-01-16`);
    if (days > MAX_TERM_DAYS) throw new UserError(`一个学期不超过${MAX_TERM_DAYS}天（${start} 至 ${end} 是 ${days} 天），请检查日期。`);
    if (Math.abs(daysBetween(today, start)) > 366) throw new UserError(`开始日期 ${start} 离今天超过一年，请检查。`);
    const name = args.name ? (/^\d{4}/.test(args.name) ? args.name : `${start.slice(0, 4)}年${args.name}`) : defaultTermName(start);
    const before = { termName: ctx.community.termName, termStart: ctx.community.termStart, termEnd: ctx.community.termEnd };
    await ctx.db.community.update({ where: { id: ctx.community.id }, data: { termName: name, termStart: fromDay(start), termEnd: fromDay(end) } });
    // The same term renamed or re-dated: what was set up in it (pairs, targets) stays with it.
    await followTermChange(ctx.db, ctx.community.id, term, { name, start, end });
    await audit(ctx, "update", "term", ctx.community.id, before, { termName: name, termStart: start, termEnd: end });
    return `✅ 已设置学期。\n📅 ${termText({ name, start, end }, today)}`;
  },
});
