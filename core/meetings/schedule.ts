/**
 * The community's meetings in a window: rule occurrences merged with stored meetings. A stored
 * meeting made from a rule occurrence (same ruleDay) replaces it: moved, cancelled, with agenda.
 */
import type { RuleOccurrence } from "./occurrences.ts";

export interface MeetingRow {
  id: number;
  /** The rule occurrence this meeting stands for; null for a one-off meeting. */
  ruleDay: string | null;
  startsAt: Date;
  place: string | null;
  agenda: string | null;
  cancelled: boolean;
  organizerId: number | null;
  minutes: string | null;
}

/** A meeting as the schedule shows it: stored, or still only in the rule. */
export interface Occurrence extends Omit<MeetingRow, "id"> {
  /** null while the occurrence exists only in the rule (not stored yet). */
  meetingId: number | null;
}

export function mergeSchedule(
  fromRule: readonly RuleOccurrence[],
  rule: { place: string | null; organizerId: number | null } | null,
  rows: readonly MeetingRow[],
  window: { from: Date; to: Date },
): Occurrence[] {
  const stored = new Set(rows.map((r) => r.ruleDay).filter((d): d is string => d !== null));
  const virtual: Occurrence[] = fromRule
    .filter((o) => !stored.has(o.day))
    .map((o) => ({ meetingId: null, ruleDay: o.day, startsAt: o.startsAt, place: rule?.place ?? null, agenda: null, cancelled: false, organizerId: rule?.organizerId ?? null, minutes: null }));
  const real: Occurrence[] = rows.filter((r) => r.startsAt >= window.from && r.startsAt <= window.to).map(({ id, ...rest }) => ({ meetingId: id, ...rest }));
  return [...virtual, ...real].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
