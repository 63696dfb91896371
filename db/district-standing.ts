/**
 * What a district sees of each member community: standing under bundled assessment (targets met
 * of all, who holds it back) and the next joint meeting, on top of the activity figures.
 */
import { todayIn } from "../core/dates.ts";
import { DISTRICT_TIMEZONE, type DistrictDigestRow } from "../core/digest/district.ts";
import { mapLimit } from "../core/map-limit.ts";
import type { Term } from "../core/terms.ts";
import type { Tx } from "./client.ts";
import { districtOverview, type DistrictCommunityRow } from "./districts.ts";
import { scheduleBetween } from "./meetings.ts";
import { progressReportsOf } from "./progress-report.ts";

/** The standing's fields are the district digest's (core/digest/district.ts), declared there once. */
export interface DistrictStanding extends DistrictCommunityRow, Pick<DistrictDigestRow, "met" | "total" | "holdingBack" | "nextMeeting"> {
  /** The community's own term the standing is judged in. */
  term: Term;
}

const LOOKAHEAD_MS = 62 * 86_400_000;
/** Communities loaded at once: a few queries each, well inside the connection pool. */
const CONCURRENCY = 8;

export async function districtStandings(db: Tx, districtId: number, range: { from: string; to: string }, now: Date, opts: { meetings?: boolean } = {}): Promise<DistrictStanding[]> {
  const rows = await districtOverview(db, districtId, range, todayIn(now, DISTRICT_TIMEZONE));
  const reports = await progressReportsOf(
    db,
    rows.map((r) => r.id),
    now,
  );
  const nextMeetings = new Map<number, Date | null>();
  if (opts.meetings !== false) {
    await mapLimit(rows, CONCURRENCY, async (r) => {
      const community = { id: r.id, timezone: reports.get(r.id)!.timezone };
      const meetings = await scheduleBetween(db, community, now, new Date(now.getTime() + LOOKAHEAD_MS));
      nextMeetings.set(r.id, meetings.find((m) => !m.cancelled)?.startsAt ?? null);
    });
  }
  return rows.map((r) => {
    const { report } = reports.get(r.id)!;
    return {
      ...r,
      met: report.community.met,
      total: report.community.total,
      holdingBack: report.community.holdingBack?.schools.map((s) => s.fullName).join("、") ?? null,
      nextMeeting: nextMeetings.get(r.id) ?? null,
      term: report.term,
    };
  });
}
