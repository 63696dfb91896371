import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { localizeExamples } from "../core/examples.ts";
import { field } from "../core/fields.ts";
import { findSchools } from "../core/recognize.ts";
import { audit, requireRole } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";
import { expandFirstWord, linesOf } from "./several-parts.ts";

const ACTIONS = { 添加: "add", 新增: "add", add: "add", 列表: "list", list: "list", 查看: "list" } as const;
const ADD_WORDS = new Set(["添加", "新增", "add"]);

/**
 * "/学校 添加 甲校、乙校、丙校" (the same role for each) or one school a line after 添加: one
 * argument text per school. A line of its own may start with 添加 again.
 */
function severalSchools(rest: string): string[] | undefined {
  const lines = linesOf(rest);
  const [action = "", ...firstLine] = (lines[0] ?? "").split(/\s+/);
  if (!ADD_WORDS.has(action.toLowerCase())) return undefined;
  const specs = [firstLine.join(" "), ...lines.slice(1)].filter((l) => l !== "");
  return specs.flatMap((l) => {
    const [word = ""] = l.split(/\s+/);
    const spec = ADD_WORDS.has(word.toLowerCase()) ? l.slice(word.length).trim() : l;
    return expandFirstWord(spec).map((one) => `${action} ${one}`);
  });
}

export const schoolCommand = boundCommand({
  name: "学校",
  aliases: ["school"],
  summary: "添加学校（管理员，可一次添加几所）或查看本共同体的学校",
  examples: ["/学校 添加 清涧县第二小学 核心 二小 第二小学", "/学校 添加 郝家也中心小学、双庙中心小学、寨沟中心小学", "/学校 列表"],
  several: severalSchools,
  args: z.object({
    action: field(z.enum(["add", "list"]).default("list"), { label: "添加|列表", keys: [], token: "choice", choices: ACTIONS, placeholder: "添加|列表" }),
    fullName: field(z.string().min(2, "至少两个字").max(60, "不超过60个字").optional(), { label: "全称", keys: ["全称", "名称"], token: "text" }),
    role: field(z.enum(["core", "member"]).optional(), {
      label: "核心|成员",
      keys: ["类型", "角色"],
      token: "choice",
      choices: { 核心: "core", 核心校: "core", 牵头校: "core", 成员: "member", 成员校: "member", core: "core", member: "member" },
    }),
    shortNames: field(z.array(z.string().min(1).max(20, "简称不超过20个字")).max(10).optional(), { label: "简称", keys: ["简称"], token: "text", multiple: true }),
  }),
  async run(ctx, args) {
    if (args.action === "list") {
      if (ctx.schools.length === 0) return localizeExamples("本共同体还没有学校。管理员可发送：/学校 添加 清涧县第二小学 核心 二小", ctx.schools);
      const lines = ctx.schools.map((s) => `${s.role === "core" ? "【核心】" : "【成员】"}${s.fullName}${s.shortNames.length ? `（简称：${s.shortNames.join("、")}）` : ""}`);
      return `「${ctx.community.name}」共 ${ctx.schools.length} 所学校：\n${lines.join("\n")}`;
    }
    requireRole(ctx, ["admin"], "添加学校");
    const { fullName } = args;
    if (!fullName) throw new UserError("请写上学校全称。");
    const shortNames = (args.shortNames ?? []).filter((n) => n !== fullName);
    for (const n of shortNames) {
      const clash = findSchools(n, ctx.schools).find((s) => s.fullName !== fullName);
      if (clash) throw new UserError(`简称「${n}」已经是 ${clash.fullName} 的简称或全称，请换一个。`);
    }
    const existing = ctx.schools.find((s) => s.fullName === fullName);
    const role = args.role ?? existing?.role ?? "member";
    const school = await ctx.db.school.upsert({
      where: { communityId_fullName: { communityId: ctx.community.id, fullName } },
      create: { communityId: ctx.community.id, fullName, role, shortNames },
      update: { role, shortNames: [...new Set([...(existing?.shortNames ?? []), ...shortNames])] },
    });
    await audit(ctx, existing ? "update" : "create", "school", school.id, existing ? { ...existing } : null, { fullName, role, shortNames: school.shortNames });
    const roleText = role === "core" ? "核心校" : "成员校";
    return `${existing ? "已更新" : "已添加"}${roleText}：${fullName}${school.shortNames.length ? `（简称：${school.shortNames.join("、")}）` : ""}`;
  },
});
