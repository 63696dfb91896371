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

/** What to do with a push whose time has come, knowing when its time was set. */
export type Planned = Due | "now" | "never";

/**
 * Like classifyDue, but a push whose time was set (`plannedAt`: the community bound, the setting
 * changed, the meeting scheduled or moved) only after that time had passed was never missed: it
 * goes out "now" (worded as sent now, not as a catch-up) when it lies at most `graceMs` before
 * plannedAt, and is "never" due otherwise (nothing to send, skip or log). Only a push planned
 * in time and not sent at its time was missed while the bot was down: "late", then "missed".
 */
export function classifyPlanned(dueAt: Date, plannedAt: Date, now: Date, graceMs = CATCH_UP_MS): Planned {
  if (dueAt > now || dueAt >= plannedAt) return classifyDue(dueAt, now);
  if (plannedAt.getTime() - dueAt.getTime() > graceMs) return "never";
  // Sent as soon as a tick saw the change; a tick that came much later (the bot was down after the change) is a catch-up.
  const since = classifyDue(plannedAt > now ? now : plannedAt, now);
  return since === "on-time" ? "now" : since;
}

/** The latest of the instants given (the ones that are set). */
export function latest(...at: (Date | null | undefined)[]): Date {
  return new Date(Math.max(0, ...at.filter((d): d is Date => d instanceof Date).map((d) => d.getTime())));
}
