import { z } from "zod";
import { computeProgress, DEFAULT_TARGETS, type ProgressRow, type TargetRule } from "../core/targets.ts";
import { field } from "./fields.ts";
import { dayToDb } from "./support.ts";
import { termOf } from "./term.ts";
import { boundCommand, type BoundContext } from "./types.ts";

const PAIR_TARGET = 3; // seed 002: 师徒结对 ≥ 3 per term

function rowText(r: ProgressRow): string {
  if (r.target === null) return `${r.kind} ${r.done}`;
  const mark = r.done >= r.target ? "✅" : "⚠️";
  return `${mark}${r.kind} ${r.done}/${r.target}`;
}

/** Targets set for this term in the database; the seed-002 template when none are. */
async function rulesFor(ctx: BoundContext, term: string): Promise<TargetRule[]> {
  const rows = await ctx.db.target.findMany({ where: { communityId: ctx.community.id, term } });
  if (rows.length === 0) return [...DEFAULT_TARGETS];
  return rows.filter((r) => r.scope !== "pair").map((r) => ({ kind: r.kind, scope: r.scope === "community" ? "community" : "school", schoolRole: "any", minCount: r.minCount }));
}

export const progressCommand = boundCommand({
  name: "进度",
  aliases: ["progress", "统计"],
  summary: "本学期各类活动完成数与目标对照，分学校和全共同体",
  examples: ["/进度", "/进度 二小"],
  args: z.object({
    school: field(z.number().int().optional(), { label: "学校", keys: ["学校"], token: "school" }),
  }),
  async run(ctx, { school }) {
    const { term } = termOf(ctx);
    const [activities, rules, pairs] = await Promise.all([
      ctx.db.activity.findMany({
        where: { communityId: ctx.community.id, revokedAt: null, date: { gte: dayToDb(term.start), lte: dayToDb(term.end) } },
        select: { kind: true, hostSchoolId: true, schoolIds: true },
      }),
      rulesFor(ctx, term.name),
      ctx.db.mentorPair.count({ where: { communityId: ctx.community.id, term: term.name } }),
    ]);
    const progress = computeProgress(ctx.schools, activities, rules);
    const lines = [`📊 ${ctx.community.name} ${term.name}进度（共 ${activities.length} 条记录）`];
    if (school === undefined) {
      lines.push(`全共同体：${progress.community.map(rowText).join("，") || "暂无记录"}；师徒结对 ${pairs}/${PAIR_TARGET}`);
    }
    for (const s of progress.schools) {
      if (school !== undefined && s.school.id !== school) continue;
      const status = s.behind > 0 ? `（${s.behind} 项未达标）` : "（全部达标）";
      lines.push(`${s.school.role === "core" ? "【核心】" : "【成员】"}${s.school.fullName}${status}：${s.rows.map(rowText).join("，")}`);
    }
    if (ctx.schools.length === 0) lines.push("还没有添加学校，无法分校统计。管理员可发送：/学校 添加 清涧县第二小学 核心 二小");
    return lines.join("\n");
  },
});
