/** Finding members by display name (for /成员 and /结对). */
import { UserError } from "../core/errors.ts";
import type { BoundContext } from "../core/types.ts";

export async function findOrCreateMember(ctx: BoundContext, name: string) {
  // Deleted members (已注销成员) are nobody: a name never finds them.
  const found = await ctx.db.member.findMany({ where: { communityId: ctx.community.id, displayName: name, erasedAt: null } });
  if (found.length > 1) throw new UserError(`本共同体有 ${found.length} 位「${name}」，请先用 /成员 给其中一位改名区分（如 ${name}（二小））。`);
  if (found[0]) return { member: found[0], created: false };
  const member = await ctx.db.member.create({ data: { communityId: ctx.community.id, displayName: name, roles: ["teacher"] } });
  return { member, created: true };
}
