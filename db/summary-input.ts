/**
 * What a term summary needs beyond the ledger and the progress report: the leadership (members
 * with the admin or principal role, with their schools), the meeting rule as the admin typed it,
 * and the meetings still to come this term.
 */
import type { SummaryLeader } from "../core/summary/types.ts";
import type { Tx } from "./client.ts";
import { ruleOf, scheduleBetween } from "./meetings.ts";

export interface SummaryExtras {
  leaders: SummaryLeader[];
  meetingRule: { text: string; place: string | null } | null;
  nextMeetings: { startsAt: Date; place: string | null; agenda: string | null }[];
}

/** `until` is the last day (YYYY-MM-DD) whose meetings count as next steps: the term's end. */
export async function loadSummaryExtras(db: Tx, community: { id: number; timezone: string }, now: Date, until: string): Promise<SummaryExtras> {
  const end = new Date(`${until}T23:59:59Z`);
  const [members, rule, schedule] = await Promise.all([
    db.member.findMany({
      where: { communityId: community.id, roles: { hasSome: ["admin", "principal"] } },
      orderBy: { id: "asc" },
      select: { displayName: true, roles: true, school: { select: { fullName: true } } },
    }),
    ruleOf(db, community.id),
    end > now ? scheduleBetween(db, community, now, end) : Promise.resolve([]),
  ]);
  return {
    leaders: members.map((m) => ({ name: m.displayName, school: m.school?.fullName ?? null, roles: m.roles })),
    meetingRule: rule && { text: rule.text, place: rule.place },
    nextMeetings: schedule.filter((o) => !o.cancelled).map((o) => ({ startsAt: o.startsAt, place: o.place, agenda: o.agenda })),
  };
}
