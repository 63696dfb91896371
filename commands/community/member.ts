/**
 * /成员: an admin sets a member's school and role. Roles belong to a platform account, never to
 * a display name (anyone can call themselves 王芳): the account comes from an @-mention in the
 * command (DingTalk gives the mentioned users' ids), from 账号=<platform user id> (WeCom's
 * 智能机器人 gives no ids for mentions; an admin sees the 账号 in the admin console), or from the
 * one member who has spoken under that name. A name nobody has spoken under is a placeholder:
 * its role takes effect when its person claims it with a code (/认领码, /认领).
 */
import { z } from "zod";
import { accountLabel, orgOf, qualify } from "../../messages/orgs.ts";
import { UserError } from "../core/errors.ts";
import { localizeExamples } from "../core/examples.ts";
import { field } from "../core/fields.ts";
import { audit, requireRole, ROLE_CHOICES, ROLE_NAMES, schoolName } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { placeholderNote } from "./claim.ts";
import { type Account, memberOfAccount, memberOfName } from "./members.ts";
import { expandFirstWord, linesOf } from "./several-parts.ts";

const PLATFORM_NAMES: Record<string, string> = { wecom: "企业微信", dingtalk: "钉钉", sim: "模拟" };

/** The account the admin pointed at: an @-mention or 账号=, or undefined for a bare name. */
function accountOf(ctx: BoundContext, typedName: string | undefined, account: string | undefined): Account | undefined {
  const { platform, mentions = [] } = ctx.message;
  // A typed 账号 is the platform's own id, in the organisation the admin writes from (messages/orgs.ts).
  if (account) return { platform, userId: qualify(orgOf(ctx.message.senderId), account) };
  if (mentions.length > 1) throw new UserError("一次只能设置一位成员，请只 @ 一个人。例如：/成员 @王芳 校长");
  const mention = mentions[0];
  if (mention) return { platform, userId: mention.userId };
  if (typedName?.startsWith("@") && platform === "wecom")
    throw new UserError(`企业微信不告诉机器人被 @ 的是哪个账号。请写上账号（管理后台「通讯录」里成员的「账号」），例如：/成员 ${typedName.slice(1)} 校长 账号=wangfang`);
  return undefined;
}

/** Named in full per school; teachers beyond this many are counted, so a big school stays one line. */
const TEACHERS_SHOWN = 5;
const LIST_WORDS = ["列表", "查看", "全部", "list"] as const;

/** Who is in the community, one line per school: leaders by role, teachers by name then counted. */
async function listMembers(ctx: BoundContext): Promise<string> {
  const members = await ctx.db.member.findMany({ where: { communityId: ctx.community.id }, orderBy: { id: "asc" }, select: { displayName: true, schoolId: true, roles: true } });
  const bySchool = [...ctx.schools.map((s) => s.id), null].map((id) => ({ id, list: members.filter((m) => m.schoolId === id) })).filter((g) => g.list.length > 0);
  const lines = bySchool.map(({ id, list }) => {
    const lead = (["admin", "principal", "coordinator"] as const)
      .map((r) => ({ r, names: list.filter((m) => m.roles.includes(r)).map((m) => m.displayName) }))
      .filter((x) => x.names.length > 0)
      .map((x) => `${ROLE_NAMES[x.r]} ${x.names.join("、")}`);
    const teachers = list.filter((m) => m.roles.every((r) => r === "teacher")).map((m) => m.displayName);
    if (teachers.length > 0) lead.push(`教师 ${teachers.length} 位：${teachers.slice(0, TEACHERS_SHOWN).join("、")}${teachers.length > TEACHERS_SHOWN ? " 等" : ""}`);
    const school = ctx.schools.find((s) => s.id === id);
    return `【${school ? (school.shortNames[0] ?? school.fullName) : "未设学校"}】${lead.join("；")}`;
  });
  return localizeExamples(`「${ctx.community.name}」共 ${members.length} 位成员：\n${lines.join("\n")}\n设置：/成员 @张三 二小 校长（一行一位，可一次发几行）`, ctx.schools);
}

export const memberCommand = boundCommand({
  name: "成员",
  aliases: ["member"],
  summary: "设置成员的学校和角色（管理员，一行一位可一次设几位）：管理员、校长、联络员、教师。@ 本人，或写 账号=；/成员 列表 查看",
  examples: ["/成员 @张三 二小 校长", "/成员 李四 郝家也 联络员 账号=lisi", "/成员 李四、王五 郝家也 教师", "/成员 列表"],
  // One member a line (each its own @-mention or 账号=), or 李四、王五 sharing the school and role that follow.
  several: (rest) => linesOf(rest).flatMap(expandFirstWord),
  words: Object.fromEntries(LIST_WORDS.map((w) => [w, listMembers])),
  args: z.object({
    name: field(z.string().min(1).max(31, "姓名不超过30个字").optional(), { label: "姓名", keys: ["姓名"], token: "text", required: true, ask: "请问是哪位成员？回复姓名（或 @ 本人）" }),
    school: field(z.number().int().optional(), { label: "学校", keys: ["学校"], token: "school" }),
    role: field(z.enum(["admin", "principal", "coordinator", "teacher"]).optional(), { label: "角色", keys: ["角色"], token: "choice", choices: ROLE_CHOICES }),
    account: field(
      z
        .string()
        .regex(/^[\w.@-]{1,64}$/, "账号只含字母、数字和 _ . @ -")
        .optional(),
      { label: "账号", keys: ["账号", "userid"], token: "text", positional: false, hint: "平台上的账号（企业微信管理后台「通讯录」里的「账号」）" },
    ),
  }),
  async run(ctx, { name: typed, school, role, account }) {
    requireRole(ctx, ["admin"], "设置成员");
    const name = typed?.replace(/^@/, "").trim() || undefined;
    if (!name && !ctx.message.mentions?.length) throw new UserError("请写上成员姓名，或 @ 本人。例如：/成员 @张三 二小 校长");
    if (school === undefined && role === undefined) throw new UserError(localizeExamples("请写上学校或角色。例如：/成员 @张三 二小 校长", ctx.schools));
    const target = accountOf(ctx, typed, account);
    const { member, created } = target ? await memberOfAccount(ctx, target, name) : await memberOfName(ctx, name!);
    const roles = role ? [role] : member.roles;
    if (member.roles.includes("admin") && !roles.includes("admin")) {
      const admins = await ctx.db.member.count({ where: { communityId: ctx.community.id, roles: { has: "admin" } } });
      if (admins <= 1) throw new UserError(`${member.displayName} 是唯一的管理员，请先把另一位成员设为管理员。`);
    }
    const claimed = member.identities.length > 0;
    // Setting a role for an account confirms it: roles an earlier version gave by name end here.
    const updated = await ctx.db.member.update({
      where: { id: member.id },
      data: { roles, schoolId: school ?? member.schoolId, ...(claimed && role ? { unconfirmedRoles: [] } : {}) },
    });
    await audit(ctx, created ? "create" : "update", "member", member.id, created ? null : { roles: member.roles, schoolId: member.schoolId }, { roles: updated.roles, schoolId: updated.schoolId });
    const where = schoolName(ctx.schools, updated.schoolId) ?? "未设学校";
    const accounts = member.identities.map((i) => `${PLATFORM_NAMES[i.platform] ?? i.platform}账号 ${accountLabel(i.userId)}`).join("、");
    const done = `已${created ? "添加" : "设置"}成员：${updated.displayName}，${where}，${updated.roles.map((r) => ROLE_NAMES[r]).join("、")}${accounts ? `（${accounts}）` : ""}`;
    return claimed || updated.roles.every((r) => r === "teacher") ? done : `${done}\n${placeholderNote(updated.displayName)}`;
  },
});
