/**
 * The traffic light a principal or bureau inspector reads first, from the same figures /进度
 * gives: every target met; idle (nothing recorded for two weeks); behind (fewer targets met than
 * the share of the term already gone); otherwise on track.
 */
import { daysBetween } from "./dates.ts";
import { QUIET_DAYS } from "./digest/district.ts";
import { termWeeks, type Term } from "./terms.ts";

export type StandingStatus = "met" | "idle" | "behind" | "ok";

export interface StandingFigures {
  met: number;
  total: number;
  /** Newest live activity dated today or earlier (YYYY-MM-DD), if any. */
  lastActivity: string | null;
}

export function standingStatus(f: StandingFigures, term: Term, today: string): StandingStatus {
  if (f.total > 0 && f.met >= f.total) return "met";
  // A term's first two weeks cannot be idle yet: nobody had the time.
  const sinceStart = daysBetween(term.start, today);
  const quietFor = f.lastActivity ? daysBetween(f.lastActivity, today) : sinceStart;
  if (sinceStart >= QUIET_DAYS && quietFor >= QUIET_DAYS) return "idle";
  const weeks = termWeeks(term, today);
  const gone = weeks.total === 0 ? 1 : Math.min(1, Math.max(0, (weeks.total - weeks.left) / weeks.total));
  return f.total > 0 && f.met / f.total < gone ? "behind" : "ok";
}
