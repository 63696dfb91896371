import { z } from "zod";
import { computeProgress } from "../core/progress.ts";
import { DEFAULT_TEMPLATE } from "../core/targets.ts";
import { loadProgressInput } from "../db/progress-input.ts";
import { localizeExamples } from "./examples.ts";
import { field } from "./fields.ts";
import { compactProgress, detailedProgress } from "./progress-view.ts";
import { termOf } from "./term.ts";
import { boundCommand } from "./types.ts";

export const progressCommand = boundCommand({
  name: "进度",
  aliases: ["progress", "统计"],
  summary: "本学期目标完成情况：先看共同体和各校还差什么；/进度 详细 或 /进度 学校名 看全部",
  examples: ["/进度", "/进度 二小", "/进度 详细"],
  args: z.object({
    school: field(z.number().int().optional(), { label: "学校", keys: ["学校"], token: "school" }),
    detail: field(z.literal("all").optional(), { label: "详细", keys: [], token: "choice", choices: { 详细: "all", 全部: "all", 明细: "all" } }),
  }),
  async run(ctx, { school, detail }) {
    if (ctx.schools.length === 0) return localizeExamples("还没有添加学校，无法按目标统计。管理员可发送：/学校 添加 清涧县第二小学 核心 二小", ctx.schools);
    const { today, term } = termOf(ctx);
    const input = await loadProgressInput(ctx.db, ctx.community.id, term, today);
    const report = computeProgress(input);
    const note = input.targetsSet ? "" : `（默认模板「${DEFAULT_TEMPLATE}」）`;
    const chosen = report.schools.find((s) => s.school.id === school)?.school;
    if (chosen || detail) return detailedProgress(report, ctx.community.name, chosen);
    return compactProgress(report, ctx.community.name, note);
  },
});
