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
  /** When a person last set this meeting's time; null when it stands where its rule put it. */
  plannedAt: Date | null;
}

/** A meeting as the schedule shows it: stored, or still only in the rule. */
export interface Occurrence extends Omit<MeetingRow, "id" | "plannedAt"> {
  /** null while the occurrence exists only in the rule (not stored yet). */
  meetingId: number | null;
  /** When its time was set: by a person (scheduled, moved) or by the rule's last change. */
  plannedAt: Date;
}

export function mergeSchedule(
  fromRule: readonly RuleOccurrence[],
  rule: { place: string | null; organizerId: number | null; plannedAt: Date } | null,
  rows: readonly MeetingRow[],
  window: { from: Date; to: Date },
): Occurrence[] {
  const byRule = rule?.plannedAt ?? new Date(0);
  const stored = new Set(rows.map((r) => r.ruleDay).filter((d): d is string => d !== null));
  const virtual: Occurrence[] = fromRule
    .filter((o) => !stored.has(o.day))
    .map((o) => ({
      meetingId: null,
      ruleDay: o.day,
      startsAt: o.startsAt,
      place: rule?.place ?? null,
      agenda: null,
      cancelled: false,
      organizerId: rule?.organizerId ?? null,
      minutes: null,
      plannedAt: byRule,
    }));
  const real: Occurrence[] = rows.filter((r) => r.startsAt >= window.from && r.startsAt <= window.to).map(({ id, plannedAt, ...rest }) => ({ meetingId: id, ...rest, plannedAt: plannedAt ?? byRule }));
  return [...virtual, ...real].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}
