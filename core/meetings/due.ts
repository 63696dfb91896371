/**
 * When a push is due relative to now. The scheduler ticks every minute; after downtime a push at
 * most six hours overdue still goes out once (marked late); older ones are skipped and logged.
 */
export const CATCH_UP_MS = 6 * 3600_000;
/** How far back a missed push is still noticed (to log it once as skipped). */
export const NOTICE_MS = 7 * 86_400_000;
/** A push sent more than this after its time says it is late. */
export const LATE_AFTER_MS = 5 * 60_000;

export type Due = "future" | "on-time" | "late" | "missed" | "forgotten";

export function classifyDue(dueAt: Date, now: Date): Due {
  const overdue = now.getTime() - dueAt.getTime();
  if (overdue < 0) return "future";
  if (overdue <= LATE_AFTER_MS) return "on-time";
  if (overdue <= CATCH_UP_MS) return "late";
  if (overdue <= NOTICE_MS) return "missed";
  return "forgotten";
}

/** Default reminder offsets: 3 days and 2 hours before. */
export const DEFAULT_OFFSETS = [3 * 1440, 120];
