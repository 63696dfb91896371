import { z } from "zod";
import { periodRange, type Period } from "../core/terms.ts";
import { activityLine } from "./activity-view.ts";
import { field } from "./fields.ts";
import { dayToDb } from "./support.ts";
import { termOf } from "./term.ts";
import { boundCommand } from "./types.ts";

const SHOWN = 20;

export const listCommand = boundCommand({
  name: "列表",
  aliases: ["list", "记录列表"],
  summary: "列出记录，可按类型和时间（本周、本月、本学期）筛选",
  examples: ["/列表", "/列表 示范课 本月"],
  args: z.object({
    kind: field(z.string().optional(), { label: "类型", keys: ["类型"], token: "kind" }),
    period: field(z.enum(["本周", "本月", "本学期"]).optional(), {
      label: "本周|本月|本学期", keys: ["时间"], token: "choice", placeholder: "本周|本月|本学期",
      choices: { 本周: "本周", 这周: "本周", 本月: "本月", 这个月: "本月", 本学期: "本学期", 这学期: "本学期" },
    }),
  }),
  async run(ctx, { kind, period }) {
    const { today, term } = termOf(ctx);
    const chosen: Period = period ?? "本学期";
    const range = periodRange(chosen, today, term);
    const where = {
      communityId: ctx.community.id,
      revokedAt: null,
      date: { gte: dayToDb(range.start), lte: dayToDb(range.end) },
      ...(kind ? { kind } : {}),
    };
    const [total, rows] = await Promise.all([
      ctx.db.activity.count({ where }),
      ctx.db.activity.findMany({ where, orderBy: [{ date: "desc" }, { number: "desc" }], take: SHOWN }),
    ]);
    const label = `${chosen === "本学期" ? term.name : chosen}${kind ? ` ${kind}` : ""}`;
    if (total === 0) return `${label}还没有记录。发送 /记录 示范课 11月20日 二小 语文 来登记。`;
    const more = total > SHOWN ? `\n……另有 ${total - SHOWN} 条未显示` : "";
    return `${label}共 ${total} 条记录：\n${rows.map((r) => activityLine(r, ctx.schools)).join("\n")}${more}`;
  },
});
