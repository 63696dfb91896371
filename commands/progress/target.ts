import { z } from "zod";
import { DEFAULT_TARGETS, DEFAULT_TEMPLATE, sameRule, TARGET_TEMPLATES, targetText, type TargetSpec } from "../../core/targets.ts";
import type { Term } from "../../core/terms.ts";
import { replaceTargets, specToRow, storedTargets } from "../../db/targets.ts";
import { overlapping, termIdFor } from "../../db/terms.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import { readTarget } from "./target-words.ts";
import { termOf } from "../core/term.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";

const ACTIONS = { 列表: "list", 查看: "list", list: "list", 模板: "template", template: "template", 设置: "set", 添加: "set", set: "set", 删除: "delete", delete: "delete" } as const;
const TEMPLATE_NAMES = Object.keys(TARGET_TEMPLATES).join("、");

const numbered = (targets: readonly TargetSpec[]) => targets.map((t, i) => `${i + 1}. ${targetText(t)}`).join("\n");

/** The term's targets; before a first change, the default template is copied so what was shown stays. */
async function editableTargets(ctx: BoundContext, term: Term): Promise<TargetSpec[]> {
  const stored = await storedTargets(ctx.db, ctx.community.id, term);
  if (stored.length > 0) return stored;
  await replaceTargets(ctx.db, ctx.community.id, term, DEFAULT_TARGETS, ctx.now);
  await audit(ctx, "create", "target", null, null, { term: term.name, template: DEFAULT_TEMPLATE });
  return storedTargets(ctx.db, ctx.community.id, term);
}

export const targetCommand = boundCommand({
  name: "目标",
  aliases: ["target", "targets"],
  summary: `本学期的目标：列表；管理员可套用模板（${TEMPLATE_NAMES}）、设置或删除一项`,
  examples: ["/目标 列表", "/目标 模板 对口协作", "/目标 设置 示范课 核心校→成员校 2", "/目标 删除 3"],
  args: z.object({
    action: field(z.enum(["list", "template", "set", "delete"]).default("list"), { label: "列表|模板|设置|删除", keys: [], token: "choice", choices: ACTIONS, placeholder: "列表|模板|设置|删除" }),
    words: field(z.array(z.string().max(40)).max(12).optional(), { label: "内容", keys: [], token: "text", multiple: true, placeholder: "内容" }),
  }),
  async run(ctx, { action, words = [] }) {
    const { term } = termOf(ctx);
    if (action === "list") {
      if (words.length > 0) throw new UserError(`没看懂「${words.join(" ")}」。可发送：/目标 列表、/目标 模板 对口协作、/目标 设置 示范课 核心校→成员校 2、/目标 删除 3`);
      const stored = await storedTargets(ctx.db, ctx.community.id, term);
      if (stored.length === 0) return `${term.name}未设置目标，按默认模板「${DEFAULT_TEMPLATE}」统计：\n${numbered(DEFAULT_TARGETS)}`;
      return `${term.name}目标（${stored.length} 项）：\n${numbered(stored)}`;
    }
    requireRole(ctx, ["admin"], "设置目标");

    if (action === "template") {
      const name = words.join("");
      const template = TARGET_TEMPLATES[name];
      if (!template) throw new UserError(`没有「${name || "（空）"}」这个模板。可用：${TEMPLATE_NAMES}。例如：/目标 模板 对口协作`);
      const before = await storedTargets(ctx.db, ctx.community.id, term);
      await replaceTargets(ctx.db, ctx.community.id, term, template, ctx.now);
      await audit(ctx, "replace", "target", null, { term: term.name, targets: before.map(targetText) }, { term: term.name, template: name, targets: template.map(targetText) });
      return `✅ 已套用模板「${name}」（${term.name}，${template.length} 项）：\n${numbered(template)}`;
    }

    if (action === "set") {
      const wanted = readTarget(words);
      const current = await editableTargets(ctx, term);
      const same = current.find((t) => sameRule(t, wanted));
      if (same?.id !== undefined) {
        await ctx.db.target.update({ where: { id: same.id }, data: { minCount: wanted.min } });
        await audit(ctx, "update", "target", same.id, { target: targetText(same) }, { target: targetText(wanted) });
        return `✅ 已修改目标：${targetText(wanted)}（原为 ≥ ${same.min}）`;
      }
      const row = await ctx.db.target.create({ data: { ...specToRow(wanted), communityId: ctx.community.id, termId: await termIdFor(ctx.db, ctx.community.id, term), createdAt: ctx.now } });
      await audit(ctx, "create", "target", row.id, null, { target: targetText(wanted) });
      return `✅ 已添加目标：${targetText(wanted)}。发送 /目标 列表 查看全部。`;
    }

    const current = await editableTargets(ctx, term);
    const which = words.join(" ");
    if (which === "全部") {
      await ctx.db.target.deleteMany({ where: { communityId: ctx.community.id, termRow: overlapping(term) } });
      await audit(ctx, "delete", "target", null, { term: term.name, targets: current.map(targetText) }, null);
      return `🗑️ 已删除${term.name}全部 ${current.length} 项目标；之后按默认模板「${DEFAULT_TEMPLATE}」统计，或发送 /目标 模板 名称 重新套用。`;
    }
    const index = /^#?(\d{1,3})$/.exec(which);
    // By list number, or by the rule's words (a count, if given, is ignored).
    const rule = index || which === "" ? undefined : readTarget(words.some((w) => /^\d/.test(w)) ? words : [...words, "1"]);
    const target = index ? current[Number(index[1]) - 1] : current.find((t) => rule !== undefined && sameRule(t, rule));
    if (!target?.id) throw new UserError(`没有找到要删除的目标「${which || "（空）"}」。发送 /目标 列表 查看编号，例如：/目标 删除 3`);
    await ctx.db.target.delete({ where: { id: target.id } });
    await audit(ctx, "delete", "target", target.id, { target: targetText(target) }, null);
    return `🗑️ 已删除目标：${targetText(target)}`;
  },
});
