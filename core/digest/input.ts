/** What one community's weekly digest is composed from (loaded by db/digest-input.ts). */
import type { OpenItem } from "../meetings/compose.ts";
import type { ProgressActivity, ProgressInput } from "../progress.ts";

export interface DigestActivity extends ProgressActivity {
  title: string | null;
}

export interface DigestInput {
  community: { id: number; name: string; timezone: string };
  /** Progress over the term (the same input /进度 computes from). */
  progress: ProgressInput;
  /** Activities from a week before today to two weeks after, with titles. */
  around: readonly DigestActivity[];
  /** Mentor pair id → the day it was made (YYYY-MM-DD): no one is "idle" before they were paired. */
  pairSince: ReadonlyMap<number, string>;
  nextMeeting: { startsAt: Date; place: string | null; agenda: string | null } | null;
  openItems: readonly OpenItem[];
}

/** Who a digest is for: a principal's own school goes first; groups get the short version. */
export interface DigestAudience {
  ownSchoolId: number | null;
  short: boolean;
}

/** One bar of the progress chart (reports/progress-chart.ts reads the same shape). */
export interface ChartRowLike {
  label: string;
  done: number;
  target: number;
}
