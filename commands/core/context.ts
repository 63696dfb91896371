/** Loading what a command runs against: the chat's community, the sender as a member, the schools. */
import type { Tx } from "../../db/client.ts";
import type { InboundMessage } from "../../messages/messages.ts";
import type { SchoolInfo } from "./recognize.ts";
import { dbToDay } from "./support.ts";
import type { CommunityInfo, MemberInfo } from "./types.ts";

type Reader = Pick<Tx, "platformIdentity">;

/** The community a chat is bound to now (after /绑定 bound it within this very message). */
export async function boundCommunityOf(db: Pick<Tx, "chatGroup">, m: InboundMessage): Promise<number | null> {
  const chat = await db.chatGroup.findUnique({ where: { platform_chatId: { platform: m.platform, chatId: m.chatId } }, select: { communityId: true } });
  return chat?.communityId ?? null;
}

function toCommunityInfo(c: { id: number; name: string; timezone: string; termName: string | null; termStart: Date | null; termEnd: Date | null }): CommunityInfo {
  return { id: c.id, name: c.name, timezone: c.timezone, termName: c.termName, termStart: c.termStart && dbToDay(c.termStart), termEnd: c.termEnd && dbToDay(c.termEnd) };
}

/**
 * For a 1:1 chat that is not bound (the message context found no binding): the sender's
 * community when they belong to exactly one.
 */
export async function soleCommunityOfSender(db: Reader, m: InboundMessage): Promise<CommunityInfo | null> {
  const ids = await db.platformIdentity.findMany({ where: { platform: m.platform, userId: m.senderId }, include: { member: { include: { community: true } } }, take: 2 });
  const only = ids.length === 1 ? ids[0] : undefined;
  return only ? toCommunityInfo(only.member.community) : null;
}

/**
 * The sender as a member of the community. A first-time sender is linked to a member an admin
 * registered under the same name (with no platform account yet), or registered as a teacher.
 */
export async function memberForSender(db: Tx, communityId: number, m: InboundMessage): Promise<MemberInfo> {
  const identity = await db.platformIdentity.findUnique({
    where: { communityId_platform_userId: { communityId, platform: m.platform, userId: m.senderId } },
    include: { member: true },
  });
  if (identity) return identity.member;
  const name = m.senderName.trim() || m.senderId;
  // A deleted member (已注销成员) is never linked to anyone again.
  const unlinked = await db.member.findMany({ where: { communityId, displayName: name, identities: { none: {} }, erasedAt: null }, take: 2 });
  const target = unlinked.length === 1 ? unlinked[0] : undefined;
  const link = { communityId, platform: m.platform, userId: m.senderId };
  if (target) {
    await db.platformIdentity.create({ data: { ...link, memberId: target.id } });
    return target;
  }
  return db.member.create({ data: { communityId, displayName: name, roles: ["teacher"], identities: { create: link } } });
}

export async function schoolsOf(db: Tx, communityId: number): Promise<SchoolInfo[]> {
  const rows = await db.school.findMany({ where: { communityId }, orderBy: [{ role: "asc" }, { id: "asc" }] });
  return rows.map((s) => ({ id: s.id, fullName: s.fullName, shortNames: s.shortNames, role: s.role }));
}
