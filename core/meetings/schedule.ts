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

export interface Occurrence {
  /** null while the occurrence exists only in the rule (not stored yet). */
  meetingId: number | null;
  ruleDay: string | null;
  startsAt: Date;
  place: string | null;
  agenda: string | null;
  cancelled: boolean;
  organizerId: number | null;
  minutes: string | null;
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
  const real: Occurrence[] = rows
    .filter((r) => r.startsAt >= window.from && r.startsAt <= window.to)
    .map((r) => ({ meetingId: r.id, ruleDay: r.ruleDay, startsAt: r.startsAt, place: r.place, agenda: r.agenda, cancelled: r.cancelled, organizerId: r.organizerId, minutes: r.minutes }));
  return [...virtual, ...real].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
