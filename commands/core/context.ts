/** Loading what a command runs against: the chat's community, the sender as a member, the schools. */
import type { Tx } from "../../db/client.ts";
import { schoolsOf as schoolRows } from "../../db/schools.ts";
import type { InboundMessage } from "../../messages/messages.ts";
import type { SchoolInfo } from "./recognize.ts";
import type { CommunityInfo, MemberInfo } from "./types.ts";
import { termSettingOf } from "../../core/terms.ts";

type Reader = Pick<Tx, "platformIdentity">;

/** The community a chat is bound to now (after /绑定 bound it within this very message). */
export async function boundCommunityOf(db: Pick<Tx, "chatGroup">, m: InboundMessage): Promise<number | null> {
  const chat = await db.chatGroup.findUnique({ where: { platform_chatId: { platform: m.platform, chatId: m.chatId } }, select: { communityId: true } });
  return chat?.communityId ?? null;
}

function toCommunityInfo(c: { id: number; name: string; timezone: string; termName: string | null; termStart: Date | null; termEnd: Date | null }): CommunityInfo {
  return { id: c.id, name: c.name, timezone: c.timezone, ...termSettingOf(c) };
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
 * The sender as a member of the community: the member their platform account (platform + user id)
 * belongs to. A first-time sender takes over a teacher entry an admin made under the same name
 * (so the teacher's school is known), because a teacher entry grants nothing any member does not
 * have. Never an entry with a role beyond 教师: anyone can call themselves 王芳, so a principal,
 * coordinator or admin named before its person spoke stays a placeholder until an admin points
 * at the account (@-mention, 账号=, or /成员 again once the person has spoken) or the person
 * claims it with a code (/认领).
 */
export async function memberForSender(db: Tx, communityId: number, m: InboundMessage): Promise<MemberInfo> {
  const identity = await db.platformIdentity.findUnique({
    where: { communityId_platform_userId: { communityId, platform: m.platform, userId: m.senderId } },
    include: { member: true },
  });
  if (identity) return identity.member;
  const name = m.senderName.trim() || m.senderId;
  const link = { communityId, platform: m.platform, userId: m.senderId };
  // A deleted member (已注销成员) is never linked to anyone again.
  const unlinked = await db.member.findMany({ where: { communityId, displayName: name, identities: { none: {} }, erasedAt: null }, take: 2 });
  const teacherEntry = unlinked.length === 1 && unlinked[0]!.roles.every((r) => r === "teacher") && unlinked[0]!.unconfirmedRoles.length === 0 ? unlinked[0] : undefined;
  if (teacherEntry) {
    await db.platformIdentity.create({ data: { ...link, memberId: teacherEntry.id } });
    return teacherEntry;
  }
  return db.member.create({ data: { communityId, displayName: name, roles: ["teacher"], identities: { create: link } } });
}

export async function schoolsOf(db: Tx, communityId: number): Promise<SchoolInfo[]> {
  return (await schoolRows(db, communityId)).map(({ communityId: _, ...s }) => s);
}
