import { z } from "zod";
import { computeProgress } from "../../core/progress.ts";
import { DEFAULT_TEMPLATE } from "../../core/targets.ts";
import { loadProgressInput } from "../../db/progress-input.ts";
import { localizeExamples } from "../core/examples.ts";
import { field } from "../core/fields.ts";
import { compactProgress, detailedProgress, phoneDetail } from "./progress-view.ts";
import { termOf } from "../core/term.ts";
import { chartLink } from "../../core/links/index.ts";
import { UserError } from "../core/errors.ts";
import { boundCommand } from "../core/types.ts";

export const progressCommand = boundCommand({
  name: "进度",
  aliases: ["progress", "统计"],
  summary: "本学期目标完成情况：先看还差什么；/进度 详细 看本校明细，/进度 学校名 看某校，/进度 全部 看所有",
  examples: ["/进度", "/进度 二小", "/进度 详细", "/进度 全部", "/进度 图"],
  args: z.object({
    school: field(z.number().int().optional(), { label: "学校", keys: ["学校"], token: "school" }),
    detail: field(z.enum(["phone", "all"]).optional(), { label: "详细", keys: [], token: "choice", choices: { 详细: "phone", 明细: "phone", 全部: "all" } }),
    chart: field(z.literal("chart").optional(), { label: "图", keys: [], token: "choice", choices: { 图: "chart", 图表: "chart", 图片: "chart" } }),
  }),
  async run(ctx, { school, detail, chart }) {
    if (ctx.schools.length === 0) return localizeExamples("还没有添加学校，无法按目标统计。管理员可发送：/学校 添加 清涧县第二小学 核心 二小", ctx.schools);
    const { today, term } = termOf(ctx);
    const input = await loadProgressInput(ctx.db, ctx.community.id, term, today);
    const report = computeProgress(input);
    const note = input.targetsSet ? "" : `（默认模板「${DEFAULT_TEMPLATE}」）`;
    const chosen = report.schools.find((s) => s.school.id === school)?.school;
    if (chart) {
      const forms = ctx.settings.forms;
      if (!forms) throw new UserError("图表功能未开启，请联系管理员设置 PUBLIC_BASE_URL 和 FORM_SECRET。现在可以发送 /进度 查看文字版。");
      const url = chartLink(forms, ctx.community.id, ctx.member.id, ctx.now);
      const text = `${compactProgress(report, ctx.community.name, note)}\n📈 进度图（${Math.round(forms.ttlMs / 3_600_000)}小时内有效）：${url}`;
      return [{ text, image: { url, alt: `${ctx.community.name} 本学期进度图` } }];
    }
    if (chosen || detail === "all") return detailedProgress(report, ctx.community.name, chosen);
    if (detail === "phone") {
      // The reader's own school first; every other school is one button (or /进度 学校名) away.
      const { text, others } = phoneDetail(report, ctx.community.name, ctx.member.schoolId);
      const url = ctx.settings.forms ? `${ctx.settings.forms.baseUrl}/` : undefined;
      const web = url ? { link: { label: "网页版进度", url } } : {};
      return [{ text: url ? `${text}\n网页版：${url}` : text, actions: others.map((s) => ({ label: s.name, command: `/进度 ${s.name}` })), ...web }];
    }
    return compactProgress(report, ctx.community.name, note);
  },
});
