/**
 * What a ledger (台账) shows for one community and date range, in a fixed number of queries
 * whatever its size: activities (current values; revoked ones left out), schools, the people
 * behind them, photos, mentor pairs, and (for admins) the audit log.
 */
import { todayIn, fromDay, toDay } from "../core/dates.ts";
import { pairActivity } from "../core/progress.ts";
import type { Db } from "./client.ts";
import { schoolsOf } from "./schools.ts";

export interface LedgerRange {
  from: string; // YYYY-MM-DD inclusive
  to: string;
}

export interface LedgerActivity {
  number: number;
  date: string;
  /** Dated after the day the ledger was made: a plan, not yet done (not counted in summaries). */
  planned: boolean;
  kind: string;
  title: string | null;
  hostSchool: string | null;
  schools: string[];
  /** Who gave it (the taught or leading school) and who received it. */
  givingSchool: string | null;
  receivers: string[];
  people: string[];
  subject: string | null;
  headcount: number | null;
  recorder: string;
  confirmedBy: string | null;
  notes: string | null;
  photos: string[]; // file names under PHOTO_DIR/<community>/
}

export interface LedgerPair {
  id: number;
  mentor: string;
  mentorSchool: string | null;
  mentee: string;
  menteeSchool: string | null;
  subject: string | null;
  term: string | null;
  /** Done in the range (dated up to today), counted as /进度 counts a pair: linked, or naming both. */
  activities: number;
  /** Dated after today: planned, not done. */
  planned: number;
}

export interface LedgerAudit {
  at: Date;
  actor: string | null;
  action: string;
  entity: string;
  entityId: number | null;
  before: unknown;
  after: unknown;
}

export interface LedgerMeeting {
  startsAt: Date;
  place: string | null;
  agenda: string | null;
  cancelled: boolean;
  checkedIn: string[];
  minutes: string | null;
}

export interface LedgerActionItem {
  number: number;
  meetingAt: Date;
  owner: string | null;
  task: string;
  due: string | null;
  doneAt: Date | null;
}

export interface Ledger {
  community: { id: number; name: string; timezone: string };
  schools: { id: number; fullName: string; role: "core" | "member" }[];
  activities: LedgerActivity[];
  pairs: LedgerPair[];
  meetings: LedgerMeeting[];
  actionItems: LedgerActionItem[];
  audit: LedgerAudit[] | null;
  /** One school's ledger (a principal's default): its full name. Its activities are only those it took part in. */
  focusSchool: string | null;
}

export async function loadLedger(db: Db, communityId: number, range: LedgerRange, opts: { schoolId?: number; withAudit?: boolean; now?: Date } = {}): Promise<Ledger> {
  const dateWhere = { gte: fromDay(range.from), lte: fromDay(range.to) };
  // A school took part when it hosted, joined, gave (主讲校) or received.
  const schoolWhere =
    opts.schoolId === undefined
      ? {}
      : { OR: [{ hostSchoolId: opts.schoolId }, { schoolIds: { has: opts.schoolId } }, { givingSchoolId: opts.schoolId }, { receiverSchoolIds: { has: opts.schoolId } }] };
  const rangeAt = { gte: fromDay(range.from), lt: new Date(fromDay(range.to).getTime() + 86_400_000) };
  const [community, schools, rows, pairs, audit, meetings, together] = await Promise.all([
    db.community.findUniqueOrThrow({ where: { id: communityId }, select: { id: true, name: true, timezone: true } }),
    schoolsOf(db, communityId),
    db.activity.findMany({
      where: { communityId, revokedAt: null, date: dateWhere, ...schoolWhere },
      orderBy: [{ date: "asc" }, { number: "asc" }],
      include: { recorder: { select: { displayName: true } }, confirmedBy: { select: { displayName: true } } },
    }),
    db.mentorPair.findMany({
      // One school's ledger and summary: only pairs with a mentor or mentee of that school.
      where: { communityId, ...(opts.schoolId === undefined ? {} : { OR: [{ mentor: { schoolId: opts.schoolId } }, { mentee: { schoolId: opts.schoolId } }] }) },
      orderBy: { id: "asc" },
      include: { mentor: { include: { school: true } }, mentee: { include: { school: true } }, termRow: { select: { name: true } } },
    }),
    opts.withAudit
      ? db.auditLog.findMany({ where: { communityId, at: { gte: fromDay(range.from), lt: new Date(fromDay(range.to).getTime() + 86_400_000) } }, orderBy: { id: "asc" } })
      : Promise.resolve(null),
    db.meeting.findMany({
      where: { communityId, startsAt: rangeAt },
      orderBy: { startsAt: "asc" },
      include: { attendances: { include: { school: { select: { fullName: true } } } }, actionItems: { orderBy: { number: "asc" }, include: { owner: { select: { displayName: true } } } } },
    }),
    // A pair's activities, wherever they were held (a school's ledger lists its pairs' work in full).
    db.activity.findMany({ where: { communityId, revokedAt: null, date: dateWhere }, select: { date: true, people: true, pairId: true } }),
  ]);
  const photos = await db.activityPhoto.findMany({ where: { sourceMessageKey: { in: rows.map((r) => r.sourceMessageKey) } }, orderBy: [{ sourceMessageKey: "asc" }, { position: "asc" }] });
  const actorIds = [...new Set((audit ?? []).map((a) => a.actorId).filter((x): x is number => x !== null))];
  const actors = actorIds.length ? await db.member.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } }) : [];
  const schoolName = (id: number | null) => schools.find((s) => s.id === id)?.fullName ?? null;
  const photosOf = new Map<string, string[]>();
  const today = opts.now === undefined ? null : todayIn(opts.now, community.timezone);
  for (const p of photos) photosOf.set(p.sourceMessageKey, [...(photosOf.get(p.sourceMessageKey) ?? []), p.fileName]);
  return {
    community,
    schools,
    focusSchool: opts.schoolId === undefined ? null : (schools.find((s) => s.id === opts.schoolId)?.fullName ?? null),
    activities: rows.map((a) => ({
      number: a.number,
      date: toDay(a.date),
      planned: today !== null && toDay(a.date) > today,
      kind: a.kind,
      title: a.title,
      hostSchool: schoolName(a.hostSchoolId),
      schools: a.schoolIds.map((id) => schoolName(id)).filter((n): n is string => n !== null),
      people: a.people,
      subject: a.subject,
      givingSchool: schoolName(a.givingSchoolId),
      receivers: a.receiverSchoolIds.map((id) => schoolName(id)).filter((n): n is string => n !== null),
      headcount: a.headcount,
      recorder: a.recorder.displayName,
      confirmedBy: a.confirmedBy?.displayName ?? null,
      notes: a.notes,
      photos: photosOf.get(a.sourceMessageKey) ?? [],
    })),
    pairs: pairs.map((p) => {
      const mine = together.filter((a) => pairActivity(a, { id: p.id, mentor: { name: p.mentor.displayName }, mentee: { name: p.mentee.displayName } }));
      const planned = mine.filter((a) => today !== null && toDay(a.date) > today).length;
      return {
        id: p.id,
        mentor: p.mentor.displayName,
        mentorSchool: p.mentor.school?.fullName ?? null,
        mentee: p.mentee.displayName,
        menteeSchool: p.mentee.school?.fullName ?? null,
        subject: p.subject,
        term: p.termRow?.name ?? null,
        activities: mine.length - planned,
        planned,
      };
    }),
    meetings: meetings.map((m) => ({ startsAt: m.startsAt, place: m.place, agenda: m.agenda, cancelled: m.cancelled, checkedIn: m.attendances.map((a) => a.school.fullName), minutes: m.minutes })),
    actionItems: meetings.flatMap((m) =>
      m.actionItems.map((i) => ({
        number: i.number,
        meetingAt: m.startsAt,
        owner: i.owner?.displayName ?? i.ownerName,
        task: i.task,
        due: i.due ? toDay(i.due) : null,
        doneAt: i.doneAt,
      })),
    ),
    audit:
      audit?.map((a) => ({
        at: a.at,
        actor: actors.find((m) => m.id === a.actorId)?.displayName ?? null,
        action: a.action,
        entity: a.entity,
        entityId: a.entityId,
        before: a.before,
        after: a.after,
      })) ?? null,
  };
}
