/**
 * Reading a community's meeting schedule and storing a rule occurrence when something concerns
 * it. Storing is idempotent under (communityId, ruleDay), so two workers get the same row.
 */
import type { Overrides } from "../core/meetings/calendar.ts";
import { ruleOccurrences } from "../core/meetings/occurrences.ts";
import { mergeSchedule, type MeetingRow, type Occurrence } from "../core/meetings/schedule.ts";
import type { Tx } from "./client.ts";

const toDay = (d: Date) => d.toISOString().slice(0, 10);
const fromDay = (day: string) => new Date(`${day}T00:00:00.000Z`);

export interface StoredRule {
  id: number;
  text: string;
  rrule: string;
  time: string;
  anchor: string;
  place: string | null;
  createdById: number | null;
}

export async function ruleOf(db: Tx, communityId: number): Promise<StoredRule | null> {
  const r = await db.meetingRule.findUnique({ where: { communityId } });
  return r && { id: r.id, text: r.text, rrule: r.rrule, time: r.time, anchor: toDay(r.anchor), place: r.place, createdById: r.createdById };
}

function toRow(m: { id: number; ruleDay: Date | null; startsAt: Date; place: string | null; agenda: string | null; cancelled: boolean; organizerId: number | null; minutes: string | null }): MeetingRow {
  return { id: m.id, ruleDay: m.ruleDay && toDay(m.ruleDay), startsAt: m.startsAt, place: m.place, agenda: m.agenda, cancelled: m.cancelled, organizerId: m.organizerId, minutes: m.minutes };
}

/** Meetings (stored and from the rule) starting within [from, to], cancelled ones included. */
export async function scheduleBetween(db: Tx, community: { id: number; timezone: string }, from: Date, to: Date, rule?: StoredRule | null): Promise<Occurrence[]> {
  const r = rule === undefined ? await ruleOf(db, community.id) : rule;
  const fromRule = r ? ruleOccurrences(r, community.timezone, from, to) : [];
  const ruleDays = fromRule.map((o) => fromDay(o.day));
  // Stored rows that start in the window, or that stand for a rule occurrence in it (moved away).
  const rows = await db.meeting.findMany({
    where: { communityId: community.id, OR: [{ startsAt: { gte: from, lte: to } }, { ruleDay: { in: ruleDays } }] },
  });
  return mergeSchedule(fromRule, r && { place: r.place, organizerId: r.createdById }, rows.map(toRow), { from, to });
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
