import { z } from "zod";
import { periodRange, type Period } from "../../core/terms.ts";
import { activityLine } from "./activity-view.ts";
import { localizeExamples } from "../core/examples.ts";
import { field } from "../core/fields.ts";
import { termOf } from "../core/term.ts";
import { boundCommand } from "../core/types.ts";
import { fromDay } from "../../core/dates.ts";

const SHOWN = 20;
const SHOWN_PLANNED = 5;

export const listCommand = boundCommand({
  name: "列表",
  aliases: ["list", "记录列表"],
  summary: "列出记录，可按类型和时间（本周、本月、本学期）筛选；「计划」列出今天之后的安排",
  examples: ["/列表", "/列表 示范课 本月", "/列表 计划"],
  args: z.object({
    kind: field(z.string().optional(), { label: "类型", keys: ["类型"], token: "kind" }),
    period: field(z.enum(["本周", "本月", "本学期", "计划"]).optional(), {
      label: "本周|本月|本学期|计划",
      keys: ["时间"],
      token: "choice",
      placeholder: "本周|本月|本学期|计划",
      choices: { 本周: "本周", 这周: "本周", 本月: "本月", 这个月: "本月", 本学期: "本学期", 这学期: "本学期", 计划: "计划", 近期安排: "计划", 安排: "计划", 近期: "计划" },
    }),
  }),
  async run(ctx, { kind, period }) {
    const { today, term } = termOf(ctx);
    const chosen: Period | "计划" = period ?? "本学期";
    const range = chosen === "计划" ? { start: today, end: "9999-12-31" } : periodRange(chosen, today, term);
    const base = { communityId: ctx.community.id, revokedAt: null, ...(kind ? { kind } : {}) };
    // Done: dated today or before (inside the period); planned: after today (近期安排).
    // biome-ignore lint/complexity/useMathMinMax: YYYY-MM-DD strings compare as dates; Math.min would make them NaN.
    const doneUntil = range.end < today ? range.end : today;
    const doneWhere = { ...base, date: { gte: fromDay(range.start), lte: fromDay(doneUntil) } };
    const plannedWhere = { ...base, date: { gt: fromDay(today), lte: fromDay(range.end) } };
    const [total, rows, plannedTotal, planned] = await Promise.all([
      chosen === "计划" ? 0 : ctx.db.activity.count({ where: doneWhere }),
      chosen === "计划" ? [] : ctx.db.activity.findMany({ where: doneWhere, orderBy: [{ date: "desc" }, { number: "desc" }], take: SHOWN }),
      ctx.db.activity.count({ where: plannedWhere }),
      ctx.db.activity.findMany({ where: plannedWhere, orderBy: [{ date: "asc" }, { number: "asc" }], take: chosen === "计划" ? SHOWN : SHOWN_PLANNED }),
    ]);
    const label = `${chosen === "本学期" ? term.name : chosen}${kind ? ` ${kind}` : ""}`;
    const lines = (list: typeof rows) => list.map((r) => activityLine(r, ctx.schools)).join("\n");
    const more = (n: number, shown: number) => (n > shown ? `\n……另有 ${n - shown} 条未显示` : "");
    if (chosen === "计划") {
      if (plannedTotal === 0) return localizeExamples(`还没有今天之后的安排${kind ? `（${kind}）` : ""}。登记计划：/记录 示范课 12月18日 二小`, ctx.schools);
      return `📅 近期安排${kind ? ` ${kind}` : ""}共 ${plannedTotal} 条（到日子才计入完成）：\n${lines(planned)}${more(plannedTotal, planned.length)}`;
    }
    if (total === 0 && plannedTotal === 0) return localizeExamples(`${label}还没有记录。发送 /记录 示范课 11月20日 二小 语文 来登记。`, ctx.schools);
    const out = [`${label}共 ${total} 条记录${total > 0 ? "：" : "。"}`];
    if (total > 0) out.push(`${lines(rows)}${more(total, rows.length)}`);
    if (plannedTotal > 0) out.push(`📅 近期安排 ${plannedTotal} 条（不计入完成）：`, `${lines(planned)}${plannedTotal > planned.length ? "\n……发送 /列表 计划 查看全部" : ""}`);
    return out.join("\n");
  },
});
