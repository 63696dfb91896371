/**
 * Finding members for /成员 and /结对. A name is only a label: a member found by name is either
 * the one account that spoke under it (an admin picking from members who have spoken) or a
 * placeholder with no account, which grants nothing until its person claims it.
 */
import { UserError } from "../core/errors.ts";
import type { BoundContext } from "../core/types.ts";
import { mergeMemberInto } from "./link.ts";

const withAccounts = { identities: { select: { platform: true, userId: true } } } as const;

/** Deleted members (已注销成员) are nobody: a name never finds them. */
async function membersNamed(ctx: BoundContext, name: string) {
  const found = await ctx.db.member.findMany({ where: { communityId: ctx.community.id, displayName: name, erasedAt: null }, include: withAccounts, orderBy: { id: "asc" } });
  return { spoken: found.filter((m) => m.identities.length > 0), placeholders: found.filter((m) => m.identities.length === 0) };
}

/** For /结对 (names only, no rights): the one member who spoke under the name, else its placeholder, else a new placeholder. */
export async function findOrCreateMember(ctx: BoundContext, name: string) {
  const { spoken, placeholders } = await membersNamed(ctx, name);
  if (spoken.length > 1) throw new UserError(`本共同体有 ${spoken.length} 位「${name}」，请先用 /成员 给其中一位改名区分（如 ${name}（二小））。`);
  const found = spoken[0] ?? placeholders[0];
  if (found) return { member: found, created: false };
  const member = await ctx.db.member.create({ data: { communityId: ctx.community.id, displayName: name, roles: ["teacher"] }, include: withAccounts });
  return { member, created: true };
}

export interface Account {
  platform: string;
  userId: string;
}

export type MemberTarget = Awaited<ReturnType<typeof findOrCreateMember>>["member"];

/**
 * The member a platform account is in this community, created (or an admin's placeholder of the
 * same name given to it) when the account never spoke. A same-name placeholder is folded in:
 * the admin has now said which account the name meant.
 */
export async function memberOfAccount(ctx: BoundContext, account: Account, name: string | undefined): Promise<{ member: MemberTarget; created: boolean }> {
  const key = { communityId: ctx.community.id, ...account };
  const identity = await ctx.db.platformIdentity.findUnique({ where: { communityId_platform_userId: key } });
  const placeholders = name ? (await membersNamed(ctx, name)).placeholders : [];
  if (identity) {
    for (const p of placeholders) await foldPlaceholder(ctx, p, identity.memberId);
    const member = await ctx.db.member.findUniqueOrThrow({ where: { id: identity.memberId }, include: withAccounts });
    return { member, created: false };
  }
  const placeholder = placeholders[0];
  if (placeholder) {
    await ctx.db.platformIdentity.create({ data: { ...key, memberId: placeholder.id } });
    for (const p of placeholders.slice(1)) await foldPlaceholder(ctx, p, placeholder.id);
    return { member: await ctx.db.member.findUniqueOrThrow({ where: { id: placeholder.id }, include: withAccounts }), created: false };
  }
  if (!name) throw new UserError("这个账号还没有在群里发过言，请写上姓名。例如：/成员 @王芳 王芳 校长");
  const member = await ctx.db.member.create({
    data: { communityId: ctx.community.id, displayName: name, roles: ["teacher"], identities: { create: key } },
    include: withAccounts,
  });
  return { member, created: true };
}

/** A name without an account: the one member who spoke under it (placeholders of that name folded in), else a placeholder. */
export async function memberOfName(ctx: BoundContext, name: string): Promise<{ member: MemberTarget; created: boolean }> {
  const { spoken, placeholders } = await membersNamed(ctx, name);
  if (spoken.length > 1)
    throw new UserError(`有 ${spoken.length} 位发过言的「${name}」，无法按名字确定是哪一位。请在群里 @ 本人设置，例如：/成员 @${name} 校长；或写上账号，例如：/成员 ${name} 校长 账号=平台账号。`);
  const only = spoken[0];
  if (only) {
    for (const p of placeholders) await foldPlaceholder(ctx, p, only.id);
    return { member: await ctx.db.member.findUniqueOrThrow({ where: { id: only.id }, include: withAccounts }), created: false };
  }
  if (placeholders.length > 1) throw new UserError(`本共同体有 ${placeholders.length} 位「${name}」，请先给其中一位改名区分（如 ${name}（二小））。`);
  if (placeholders[0]) return { member: placeholders[0], created: false };
  const member = await ctx.db.member.create({ data: { communityId: ctx.community.id, displayName: name, roles: ["teacher"] }, include: withAccounts });
  return { member, created: true };
}

async function foldPlaceholder(ctx: BoundContext, placeholder: { id: number; roles: MemberTarget["roles"]; schoolId: number | null }, intoId: number): Promise<void> {
  if (placeholder.id === intoId) return;
  const into = await ctx.db.member.findUniqueOrThrow({ where: { id: intoId } });
  await mergeMemberInto(ctx.db, ctx.community.id, placeholder, into, "这两位成员有相同的师徒结对，请先处理重复的结对。");
}
