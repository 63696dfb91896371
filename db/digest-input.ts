/**
 * One community's digest input in a constant number of queries (four for progress, one for
 * the weeks around today with titles, one for pairing days, two for the meeting schedule, one
 * for open action items), whatever its number of schools, pairs and activities.
 */
import { DateTime } from "luxon";
import type { DigestInput } from "../core/digest/input.ts";
import type { Term } from "../core/terms.ts";
import type { Tx } from "./client.ts";
import { scheduleBetween } from "./meetings.ts";
import { loadProgressInput } from "./progress-input.ts";
import { addDays, fromDay, toDay } from "../core/dates.ts";

/** How far ahead the next joint meeting is looked for. */
const MEETING_HORIZON_MS = 62 * 86_400_000;

export async function loadDigestInput(db: Tx, community: { id: number; name: string; timezone: string }, term: Term, today: string, now: Date): Promise<DigestInput> {
  const communityId = community.id;
  const [progress, around, pairs, schedule, items] = await Promise.all([
    loadProgressInput(db, communityId, term, today),
    db.activity.findMany({
      where: { communityId, revokedAt: null, date: { gte: fromDay(addDays(today, -7)), lte: fromDay(addDays(today, 13)) } },
      select: { kind: true, date: true, title: true, hostSchoolId: true, givingSchoolId: true, receiverSchoolIds: true, schoolIds: true, people: true, pairId: true },
      orderBy: [{ date: "asc" }, { number: "asc" }],
    }),
    db.mentorPair.findMany({ where: { communityId }, select: { id: true, createdAt: true } }),
    scheduleBetween(db, community, now, new Date(now.getTime() + MEETING_HORIZON_MS)),
    db.actionItem.findMany({ where: { communityId, doneAt: null }, orderBy: { number: "asc" } }),
  ]);
  const next = schedule.find((o) => !o.cancelled) ?? null;
  return {
    community,
    progress,
    around: around.map((a) => ({ ...a, date: toDay(a.date) })),
    pairSince: new Map(pairs.map((p) => [p.id, DateTime.fromJSDate(p.createdAt, { zone: community.timezone }).toISODate() ?? toDay(p.createdAt)])),
    nextMeeting: next && { startsAt: next.startsAt, place: next.place, agenda: next.agenda },
    openItems: items.map((i) => ({ number: i.number, owner: i.ownerName, task: i.task, due: i.due && toDay(i.due) })),
  };
}
