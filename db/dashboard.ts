/**
 * What the signed-in pages read: whose account this is in which communities and districts, and
 * a community's records, meetings and open action items. Access is decided here from the
 * platform account, never from a name typed anywhere.
 */
import type { Tx } from "./client.ts";
import { districtsAdministeredBy } from "./districts.ts";
import { fromDay, toDay } from "../core/dates.ts";

export interface Account {
  platform: string;
  userId: string;
}

export interface Membership {
  communityId: number;
  communityName: string;
  memberId: number;
  displayName: string;
  roles: string[];
  schoolId: number | null;
}

export async function membershipsOf(db: Tx, who: Account): Promise<Membership[]> {
  const rows = await db.platformIdentity.findMany({
    where: { platform: who.platform, userId: who.userId },
    include: { member: { include: { community: { select: { id: true, name: true } } } } },
    orderBy: { communityId: "asc" },
  });
  return rows.map((r) => ({
    communityId: r.member.community.id,
    communityName: r.member.community.name,
    memberId: r.member.id,
    displayName: r.member.displayName,
    roles: r.member.roles,
    schoolId: r.member.schoolId,
  }));
}

export async function districtsOf(db: Tx, who: Account): Promise<{ id: number; name: string }[]> {
  return (await districtsAdministeredBy(db, who.platform, who.userId)).map((a) => ({ id: a.district.id, name: a.district.name }));
}

/** How this account may see a community: as its member, or as an admin of the district it belongs to. */
export type CommunityAccess = { as: "member"; member: Membership } | { as: "district"; districtId: number } | null;

export async function communityAccess(db: Tx, who: Account, communityId: number): Promise<CommunityAccess> {
  const member = (await membershipsOf(db, who)).find((m) => m.communityId === communityId);
  if (member) return { as: "member", member };
  const c = await db.community.findUnique({ where: { id: communityId }, select: { districtId: true } });
  if (c?.districtId == null) return null;
  const admin = await db.districtAdmin.findFirst({ where: { districtId: c.districtId, platform: who.platform, userId: who.userId }, select: { id: true } });
  return admin ? { as: "district", districtId: c.districtId } : null;
}

export async function isDistrictAdmin(db: Tx, who: Account, districtId: number): Promise<boolean> {
  return (await db.districtAdmin.count({ where: { districtId, platform: who.platform, userId: who.userId } })) > 0;
}

export interface RecordRow {
  number: number;
  kind: string;
  date: string;
  title: string | null;
  subject: string | null;
  people: string[];
  headcount: number | null;
  notes: string | null;
  hostSchoolId: number | null;
  givingSchoolId: number | null;
  receiverSchoolIds: number[];
  schoolIds: number[];
  recorderId: number;
  confirmed: boolean;
  photos: string[];
}

/** A school's live records of the term (held there, given or received by it, or taken part in), newest first. */
export async function schoolRecords(db: Tx, communityId: number, schoolId: number, range: { from: string; to: string }): Promise<RecordRow[]> {
  const rows = await db.activity.findMany({
    where: {
      communityId,
      revokedAt: null,
      date: { gte: fromDay(range.from), lte: fromDay(range.to) },
      OR: [{ hostSchoolId: schoolId }, { givingSchoolId: schoolId }, { receiverSchoolIds: { has: schoolId } }, { schoolIds: { has: schoolId } }],
    },
    orderBy: [{ date: "desc" }, { number: "desc" }],
    take: 200,
  });
  const photos = rows.length ? await db.activityPhoto.findMany({ where: { communityId, sourceMessageKey: { in: rows.map((r) => r.sourceMessageKey) } }, orderBy: { position: "asc" } }) : [];
  return rows.map((a) => ({
    number: a.number,
    kind: a.kind,
    date: toDay(a.date),
    title: a.title,
    subject: a.subject,
    people: a.people,
    headcount: a.headcount,
    notes: a.notes,
    hostSchoolId: a.hostSchoolId,
    givingSchoolId: a.givingSchoolId,
    receiverSchoolIds: a.receiverSchoolIds,
    schoolIds: a.schoolIds,
    recorderId: a.recorderId,
    confirmed: a.confirmedAt !== null,
    photos: photos.filter((p) => p.sourceMessageKey === a.sourceMessageKey).map((p) => p.fileName),
  }));
}

export async function openActionItems(db: Tx, communityId: number) {
  return db.actionItem.findMany({ where: { communityId, doneAt: null }, orderBy: [{ due: "asc" }, { number: "asc" }], take: 30, select: { number: true, task: true, ownerName: true, due: true } });
}

/** Live activities per day across a district's communities in a range (one query), for the term chart. */
export async function districtActivityDays(db: Tx, districtId: number, range: { from: string; to: string }): Promise<{ date: string; count: number }[]> {
  const rows = await db.activity.groupBy({
    by: ["date"],
    where: { community: { districtId }, revokedAt: null, date: { gte: fromDay(range.from), lte: fromDay(range.to) } },
    _count: { _all: true },
  });
  return rows.map((r) => ({ date: toDay(r.date), count: r._count._all }));
}
