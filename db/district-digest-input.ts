/** A district's weekly digest input: its communities' standing this term plus last week's counts. */
import type { DistrictDigestInput } from "../core/digest/district.ts";
import { addDays } from "../core/dates.ts";
import type { Tx } from "./client.ts";
import { districtStandings } from "./district-standing.ts";
import { districtOverview } from "./districts.ts";

export async function loadDistrictDigestInput(
  db: Tx,
  district: { id: number; name: string },
  term: { name: string; start: string; end: string },
  today: string,
  timezone: string,
  now: Date,
): Promise<DistrictDigestInput> {
  const [standings, week] = await Promise.all([
    districtStandings(db, district.id, { from: term.start, to: term.end }, now),
    // The same seven days as a community's digest: today-7 … yesterday.
    districtOverview(db, district.id, { from: addDays(today, -7), to: addDays(today, -1) }, today),
  ]);
  const weekOf = new Map(week.map((w) => [w.id, w.activities]));
  return {
    district: district.name,
    termName: term.name,
    today,
    timezone,
    communities: standings.map((s) => ({
      name: s.name,
      termActivities: s.activities,
      weekActivities: weekOf.get(s.id) ?? 0,
      lastActivity: s.lastActivity,
      met: s.met,
      total: s.total,
      holdingBack: s.holdingBack,
      nextMeeting: s.nextMeeting,
    })),
  };
}
