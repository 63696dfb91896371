/**
 * Reading a community's meeting schedule and storing a rule occurrence when something concerns
 * it. Storing is idempotent under (communityId, ruleDay), so two workers get the same row.
 */
import type { Overrides } from "../core/meetings/calendar.ts";
import { ruleOccurrences } from "../core/meetings/occurrences.ts";
import { mergeSchedule, type MeetingRow, type Occurrence } from "../core/meetings/schedule.ts";
import type { Tx } from "./client.ts";
import { fromDay, toDay } from "../core/dates.ts";

export interface StoredRule {
  id: number;
  text: string;
  rrule: string;
  time: string;
  anchor: string;
  place: string | null;
  createdById: number | null;
  /** When the rule was last set (its occurrences' times were planned then). */
  updatedAt: Date;
}

type RuleRecord = { id: number; text: string; rrule: string; time: string; anchor: Date; place: string | null; createdById: number | null; updatedAt: Date };
const toRule = (r: RuleRecord): StoredRule => ({
  id: r.id,
  text: r.text,
  rrule: r.rrule,
  time: r.time,
  anchor: toDay(r.anchor),
  place: r.place,
  createdById: r.createdById,
  updatedAt: r.updatedAt,
});

export async function ruleOf(db: Tx, communityId: number): Promise<StoredRule | null> {
  const r = await db.meetingRule.findUnique({ where: { communityId } });
  return r && toRule(r);
}

/** A Meeting row as Prisma reads it: the rule's day a DATE, and when the row was made. */
type StoredMeeting = Omit<MeetingRow, "ruleDay"> & { ruleDay: Date | null; createdAt: Date };

function toRow(m: StoredMeeting): MeetingRow {
  return {
    id: m.id,
    ruleDay: m.ruleDay && toDay(m.ruleDay),
    startsAt: m.startsAt,
    place: m.place,
    agenda: m.agenda,
    cancelled: m.cancelled,
    organizerId: m.organizerId,
    minutes: m.minutes,
    // A one-off meeting's time was set when it was created (rows from before plannedAt existed); a rule's row: by the rule.
    plannedAt: m.plannedAt ?? (m.ruleDay ? null : m.createdAt),
  };
}

/**
 * Meetings starting within [from, to], cancelled ones included, from the rule and stored rows.
 * `rows` must hold every stored meeting that starts in the window or whose ruleDay is in it.
 */
export function scheduleFrom(community: { timezone: string }, rule: StoredRule | null, rows: readonly MeetingRow[], from: Date, to: Date): Occurrence[] {
  const fromRule = rule ? ruleOccurrences(rule, community.timezone, from, to) : [];
  return mergeSchedule(fromRule, rule && { place: rule.place, organizerId: rule.createdById, plannedAt: rule.updatedAt }, rows, { from, to });
}

const DAY_MS = 86_400_000;
/** Stored rows that start in the window, or that stand for a rule occurrence in it (moved away). */
const rowsWhere = (from: Date, to: Date) => ({
  OR: [{ startsAt: { gte: from, lte: to } }, { ruleDay: { gte: new Date(from.getTime() - DAY_MS), lte: new Date(to.getTime() + DAY_MS) } }],
});

/** Meetings (stored and from the rule) starting within [from, to], cancelled ones included. */
export async function scheduleBetween(db: Tx, community: { id: number; timezone: string }, from: Date, to: Date): Promise<Occurrence[]> {
  const [rule, rows] = await Promise.all([ruleOf(db, community.id), db.meeting.findMany({ where: { communityId: community.id, ...rowsWhere(from, to) } })]);
  return scheduleFrom(community, rule, rows.map(toRow), from, to);
}

/** For the scheduler: every listed community's rule, stored meetings in the window and overrides, in three queries. */
export async function schedulesOf(db: Tx, ids: number[], from: Date, to: Date) {
  const [rules, rows, overrides] = await Promise.all([
    db.meetingRule.findMany({ where: { communityId: { in: ids } } }),
    db.meeting.findMany({ where: { communityId: { in: ids }, ...rowsWhere(from, to) } }),
    db.holidayOverride.findMany({ where: { communityId: { in: ids } } }),
  ]);
  const group = <T extends { communityId: number }, U>(list: T[], map: (x: T) => U) => {
    const out = new Map<number, U[]>();
    for (const x of list) out.set(x.communityId, [...(out.get(x.communityId) ?? []), map(x)]);
    return out;
  };
  const overrideMaps = group(overrides, (o) => [toDay(o.day), o.workday ? "workday" : "holiday"] as const);
  const rowsBy = group(rows, toRow);
  const rulesBy = new Map(rules.map((r) => [r.communityId, toRule(r)]));
  return {
    rule: (id: number) => rulesBy.get(id) ?? null,
    rows: (id: number) => rowsBy.get(id) ?? [],
    overrides: (id: number): Overrides => new Map(overrideMaps.get(id) ?? []),
  };
}

/** The stored meeting for an occurrence, creating it from the rule if needed. */
export async function storeOccurrence(db: Tx, communityId: number, o: Occurrence, now: Date): Promise<number> {
  if (o.meetingId !== null) return o.meetingId;
  if (o.ruleDay === null) throw new Error("an occurrence without a meeting must come from the rule");
  await db.$executeRaw`
    INSERT INTO "Meeting" ("communityId", "ruleDay", "startsAt", place, "organizerId", "createdAt")
    VALUES (${communityId}, ${o.ruleDay}::date, ${o.startsAt}, ${o.place}, ${o.organizerId}, ${now})
    ON CONFLICT ("communityId", "ruleDay") DO NOTHING`;
  const row = await db.meeting.findUniqueOrThrow({ where: { communityId_ruleDay: { communityId, ruleDay: fromDay(o.ruleDay) } } });
  return row.id;
}

/** The community's own holidays and make-up workdays (they win over the library). */
export async function holidayOverrides(db: Tx, communityId: number): Promise<Overrides> {
  const rows = await db.holidayOverride.findMany({ where: { communityId } });
  return new Map(rows.map((r) => [toDay(r.day), r.workday ? "workday" : "holiday"]));
}

export { toDay, fromDay };
