import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { localizeExamples } from "../core/examples.ts";
import { field } from "../core/fields.ts";
import { findOrCreateMember } from "./members.ts";
import { audit, requireRole, ROLE_CHOICES, ROLE_NAMES, schoolName } from "../core/support.ts";
import { boundCommand } from "../core/types.ts";

export const memberCommand = boundCommand({
  name: "成员",
  aliases: ["member"],
  summary: "设置成员的学校和角色（管理员）：管理员、校长、联络员、教师",
  examples: ["/成员 张三 二小 校长", "/成员 李四 郝家也 联络员"],
  args: z.object({
    name: field(z.string().min(1).max(30, "姓名不超过30个字").optional(), { label: "姓名", keys: ["姓名"], token: "text", required: true, ask: "请问是哪位成员？回复姓名" }),
    school: field(z.number().int().optional(), { label: "学校", keys: ["学校"], token: "school" }),
    role: field(z.enum(["admin", "principal", "coordinator", "teacher"]).optional(), { label: "角色", keys: ["角色"], token: "choice", choices: ROLE_CHOICES }),
  }),
  async run(ctx, { name, school, role }) {
    requireRole(ctx, ["admin"], "设置成员");
    if (!name) throw new UserError("请写上成员姓名。");
    if (school === undefined && role === undefined) throw new UserError(localizeExamples("请写上学校或角色。例如：/成员 张三 二小 校长", ctx.schools));
    const { member, created } = await findOrCreateMember(ctx, name);
    const roles = role ? [role] : member.roles;
    if (member.roles.includes("admin") && !roles.includes("admin")) {
      const admins = await ctx.db.member.count({ where: { communityId: ctx.community.id, roles: { has: "admin" } } });
      if (admins <= 1) throw new UserError(`${name} 是唯一的管理员，请先把另一位成员设为管理员。`);
    }
    const updated = await ctx.db.member.update({ where: { id: member.id }, data: { roles, schoolId: school ?? member.schoolId } });
    await audit(ctx, created ? "create" : "update", "member", member.id, created ? null : { roles: member.roles, schoolId: member.schoolId }, { roles: updated.roles, schoolId: updated.schoolId });
    const where = schoolName(ctx.schools, updated.schoolId) ?? "未设学校";
    return `已${created ? "添加" : "设置"}成员：${name}，${where}，${updated.roles.map((r) => ROLE_NAMES[r]).join("、")}`;
  },
});
