/**
 * /关联: the same person seen through a second platform (e.g. first WeCom, later DingTalk) shows
 * up as a new member; an admin merges that new member into the existing one. Identities,
 * records, confirmations, pairs and audit entries move over; roles are united.
 */
import { randomInt } from "node:crypto";
import type { Member } from "../../generated/prisma/client.ts";
import { z } from "zod";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { audit, requireRole } from "../core/support.ts";
import { boundCommand, openCommand, type BoundContext, type CommandContext } from "../core/types.ts";

const PLATFORM_WORDS: Record<string, string> = { 钉钉: "dingtalk", dingtalk: "dingtalk", 企业微信: "wecom", 企微: "wecom", wecom: "wecom", 模拟: "sim", sim: "sim" };
const USAGE = "用法：/关联 关联码（在另一个平台上，用 /关联码 得到的6位数）；管理员：/关联 成员姓名 平台[=该平台上的名字]\n例如：/关联 483920；/关联 张三 钉钉；/关联 张三 钉钉=老张";
const CODE_TTL_MS = 10 * 60_000;
/**
 * Six digits are guessable by trying: a sender may send this many wrong codes an hour, and all
 * senders together this many in a code's lifetime, before codes are not looked up at all for a
 * while. With the global cap, a guesser who uses many accounts has at most 60 in 900,000 tries per
 * live code.
 */
export const MAX_WRONG_CODES_PER_SENDER = 5;
export const MAX_WRONG_CODES_ALL = 60;
const SENDER_WINDOW_MS = 60 * 60_000;

async function membersNamed(ctx: BoundContext, name: string, platform: string, onPlatform: boolean) {
  return ctx.db.member.findMany({
    where: { communityId: ctx.community.id, displayName: name, erasedAt: null, identities: onPlatform ? { some: { platform } } : { none: { platform } } },
    include: { identities: true },
  });
}

export const linkCommand = openCommand({
  name: "关联",
  aliases: ["link", "合并"],
  summary: "把自己在另一个平台（钉钉/企业微信）上的账号关联到已有成员（用 /关联码）；管理员可直接合并",
  examples: ["/关联 483920", "/关联 张三 钉钉", "/关联 张三 钉钉=老张"],
  args: z.object({
    text: field(z.string().max(100).optional(), { label: "内容", keys: [], token: "rest", required: true, ask: "请问关联哪位成员、哪个平台？例如：张三 钉钉" }),
  }),
  async run(ctx, { text }) {
    const trimmed = (text ?? "").trim();
    if (/^\d{6}$/.test(trimmed)) return linkByCode(ctx, trimmed);
    if (!ctx.community || !ctx.member) throw new UserError(`本群还没有绑定共同体。请在另一个平台与我单聊发送 /关联码，再在这里发送 /关联 关联码。\n${USAGE}`);
    return mergeMembers(ctx as BoundContext, trimmed);
  },
});

async function mergeMembers(ctx: BoundContext, text: string): Promise<string> {
  requireRole(ctx, ["admin"], "合并成员账号");
  const [targetName, spec] = text.split(/\s+/);
  const [platformWord, otherName] = (spec ?? "").split("=");
  const platform = platformWord ? PLATFORM_WORDS[platformWord.toLowerCase()] : undefined;
  if (!targetName || !platform) throw new UserError(USAGE);
  const sourceName = otherName || targetName;

  const sources = await membersNamed(ctx, sourceName, platform, true);
  const targets = (await membersNamed(ctx, targetName, platform, false)).filter((t) => !sources.some((s) => s.id === t.id));
  if (sources.length !== 1)
    throw new UserError(sources.length === 0 ? `没有找到在${platformWord}上发过消息的「${sourceName}」。请让他先在绑定的群里@我发一条消息。` : `「${sourceName}」有多位，无法确定。`);
  if (targets.length !== 1) throw new UserError(targets.length === 0 ? `没有找到还未关联${platformWord}账号的成员「${targetName}」。` : `有多位「${targetName}」，请先用 /成员 改名区分。`);
  const [source, target] = [sources[0]!, targets[0]!];

  await mergeMemberInto(ctx.db, ctx.community.id, source, target, `「${sourceName}」和「${targetName}」有相同的师徒结对，请先处理重复的结对再关联。`);
  await audit(ctx, "link", "member", target.id, { merged: source.id, name: sourceName }, { platform });
  return `已把${platformWord}上的「${sourceName}」关联到成员「${targetName}」。以后他在两个平台上的记录都算同一个人。`;
}

/** Refuses before any lookup when this sender, or everyone together, sent too many wrong codes lately. */
async function checkAttempts(ctx: CommandContext): Promise<void> {
  const { platform, senderId } = ctx.message;
  const [mine, all] = await Promise.all([
    ctx.db.linkCodeFailure.count({ where: { platform, userId: senderId, at: { gt: new Date(ctx.now.getTime() - SENDER_WINDOW_MS) } } }),
    ctx.db.linkCodeFailure.count({ where: { at: { gt: new Date(ctx.now.getTime() - CODE_TTL_MS) } } }),
  ]);
  if (mine >= MAX_WRONG_CODES_PER_SENDER) throw new UserError("关联码输错次数太多，请一小时后再试；或请管理员发送 /关联 成员姓名 平台 直接合并。");
  if (all >= MAX_WRONG_CODES_ALL) throw new UserError("最近输错的关联码太多，为防止猜码，暂停使用关联码，请10分钟后再试。");
}

type MergeableMember = { id: number; roles: Member["roles"]; schoolId: number | null };

/** Moves everything of `source` (accounts, records, confirmations, pairs, audit entries) to `target`, unites their roles, and deletes `source`. */
export async function mergeMemberInto(db: CommandContext["db"], communityId: number, source: MergeableMember, target: MergeableMember, pairClash: string): Promise<void> {
  await db.platformIdentity.updateMany({ where: { memberId: source.id }, data: { memberId: target.id } });
  await db.activity.updateMany({ where: { recorderId: source.id }, data: { recorderId: target.id } });
  await db.activity.updateMany({ where: { confirmedById: source.id }, data: { confirmedById: target.id } });
  try {
    await db.mentorPair.updateMany({ where: { mentorId: source.id }, data: { mentorId: target.id } });
    await db.mentorPair.updateMany({ where: { menteeId: source.id }, data: { menteeId: target.id } });
  } catch {
    throw new UserError(pairClash);
  }
  await db.auditLog.updateMany({ where: { communityId, actorId: source.id }, data: { actorId: target.id } });
  const roles = [...new Set([...target.roles, ...source.roles.filter((r) => r !== "teacher" || target.roles.length === 0)])];
  await db.member.update({ where: { id: target.id }, data: { roles, schoolId: target.schoolId ?? source.schoolId } });
  await db.member.delete({ where: { id: source.id } });
}

/** The person's own way: a code from their existing account, used from the new one. */
async function linkByCode(ctx: CommandContext, code: string): Promise<string> {
  await checkAttempts(ctx);
  const row = await ctx.db.linkCode.findUnique({ where: { code }, include: { community: true } });
  if (!row || row.expiresAt < ctx.now) {
    // Returned, not thrown: the command's transaction must commit the failure it counts.
    await ctx.db.linkCodeFailure.deleteMany({ where: { at: { lt: new Date(ctx.now.getTime() - SENDER_WINDOW_MS) } } });
    await ctx.db.linkCodeFailure.create({ data: { platform: ctx.message.platform, userId: ctx.message.senderId, at: ctx.now } });
    return "关联码不对或已过期（10分钟内有效）。请在原来的平台与我单聊，发送 /关联码 重新获取。";
  }
  const member = await ctx.db.member.findUnique({ where: { id: row.memberId } });
  if (!member) throw new UserError("关联码对应的成员已不存在，请重新获取。");
  const { platform, senderId } = ctx.message;
  const existing = await ctx.db.platformIdentity.findUnique({ where: { communityId_platform_userId: { communityId: row.communityId, platform, userId: senderId } }, include: { member: true } });
  await ctx.db.linkCode.delete({ where: { id: row.id } });
  if (existing?.memberId === member.id) return `这个账号已经关联到「${member.displayName}」了。`;
  if (existing)
    throw new UserError(`这个账号在「${row.community.name}」里已是成员「${existing.member.displayName}」。请让管理员发送：/关联 ${member.displayName} 平台=${existing.member.displayName} 合并。`);
  await ctx.db.platformIdentity.create({ data: { communityId: row.communityId, platform, userId: senderId, memberId: member.id } });
  await ctx.db.auditLog.create({ data: { communityId: row.communityId, actorId: member.id, action: "link", entity: "member", entityId: member.id, at: ctx.now, after: { platform } } });
  return `已关联：这个账号现在是「${row.community.name}」的成员「${member.displayName}」。`;
}

export const linkCodeCommand = boundCommand({
  name: "关联码",
  aliases: ["linkcode"],
  summary: "获取关联码（10分钟有效，只在单聊中发送），在另一个平台发送 /关联 关联码，两个账号算同一个人",
  examples: ["/关联码"],
  args: z.object({}),
  async run(ctx) {
    if (ctx.message.chatType !== "direct") throw new UserError("为安全起见，关联码只在单聊中发放。请与我单聊发送 /关联码。");
    await ctx.db.linkCode.deleteMany({ where: { OR: [{ expiresAt: { lt: ctx.now } }, { memberId: ctx.member.id }] } });
    let code = String(randomInt(100_000, 1_000_000));
    while (await ctx.db.linkCode.findUnique({ where: { code } })) code = String(randomInt(100_000, 1_000_000));
    await ctx.db.linkCode.create({ data: { code, communityId: ctx.community.id, memberId: ctx.member.id, expiresAt: new Date(ctx.now.getTime() + CODE_TTL_MS) } });
    return `你的关联码：${code}（10分钟内有效，只能用一次）。\n请在另一个平台（钉钉或企业微信）与我单聊发送：/关联 ${code}`;
  },
});
