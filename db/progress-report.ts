/**
 * A community's progress report outside a chat (exports, the district view): its timezone and
 * own term read from the database, then the same pure function /进度 uses.
 */
import { todayIn } from "../core/dates.ts";
import { computeProgress, type ProgressReport } from "../core/progress.ts";
import { countingTermFor, termSettingOf } from "../core/terms.ts";
import type { Tx } from "./client.ts";
import { loadProgressInput, loadProgressInputs } from "./progress-input.ts";

/** Progress for the term that holds `upTo` (or today, if earlier), judged as of today. */
export async function progressReportOf(db: Tx, communityId: number, now: Date, upTo?: string): Promise<ProgressReport> {
  const c = await db.community.findUniqueOrThrow({ where: { id: communityId }, select: { timezone: true, termName: true, termStart: true, termEnd: true } });
  const today = todayIn(now, c.timezone);
  const term = countingTermFor(termSettingOf(c), upTo && upTo < today ? upTo : today);
  return computeProgress(await loadProgressInput(db, communityId, term, today));
}

/** The same for many communities at once (a district), each in its own timezone and term: a handful of queries in all. */
export async function progressReportsOf(db: Tx, communityIds: readonly number[], now: Date): Promise<Map<number, { report: ProgressReport; timezone: string }>> {
  const rows = await db.community.findMany({ where: { id: { in: [...communityIds] } }, select: { id: true, timezone: true, termName: true, termStart: true, termEnd: true } });
  const wanted = rows.map((c) => {
    const today = todayIn(now, c.timezone);
    return { communityId: c.id, timezone: c.timezone, today, term: countingTermFor(termSettingOf(c), today) };
  });
  const out = new Map<number, { report: ProgressReport; timezone: string }>();
  // Communities in one timezone share "today": one batch each (nearly always just one).
  for (const today of new Set(wanted.map((w) => w.today))) {
    const batch = wanted.filter((w) => w.today === today);
    const inputs = await loadProgressInputs(db, batch, today);
    for (const w of batch) out.set(w.communityId, { report: computeProgress(inputs.get(w.communityId)!), timezone: w.timezone });
  }
  return out;
}

/** Only the items a school is accountable for (a principal's own export). */
export function progressForSchool(report: ProgressReport, schoolId: number): ProgressReport {
  // Only this school's items; every school stays, because its items name the other school of
  // each pair (without them a pair read "未设学校—郝家也").
  return { ...report, items: report.items.filter((i) => i.accountable.includes(schoolId)) };
}
