/**
 * Occurrences of a rule in the community's timezone. rrule works on "floating" wall-clock times
 * (the library's documented approach: UTC fields stand for local wall time); luxon then places
 * each wall time in the zone, so the server's own timezone (UTC in production) never matters.
 */
import { DateTime } from "luxon";
import { RRule, type RuleSpec } from "./rule.ts";
import { toDay } from "../dates.ts";

export interface RuleOccurrence {
  /** The day in the community's timezone (YYYY-MM-DD). */
  day: string;
  startsAt: Date;
}

const DAY_MS = 86_400_000;

/** An instant's wall-clock fields in `zone`, as a UTC Date (rrule's floating time). */
function floating(instant: Date, zone: string): Date {
  const t = DateTime.fromJSDate(instant, { zone });
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute));
}

/** The instant of a day and HH:mm in `zone`. */
export function zonedInstant(day: string, time: string, zone: string): Date {
  return DateTime.fromISO(`${day}T${time}`, { zone }).toJSDate();
}

/** Every occurrence with from ≤ startsAt ≤ to. */
export function ruleOccurrences(rule: Pick<RuleSpec, "rrule" | "time" | "anchor">, zone: string, from: Date, to: Date): RuleOccurrence[] {
  const [y, m, d] = rule.anchor.split("-").map(Number) as [number, number, number];
  const [hh, mm] = rule.time.split(":").map(Number) as [number, number];
  const recurrence = new RRule({ ...RRule.parseString(rule.rrule), dtstart: new Date(Date.UTC(y, m - 1, d, hh, mm)) });
  // A day of margin on both sides covers any zone offset; exact bounds are checked after.
  const walls = recurrence.between(new Date(floating(from, zone).getTime() - DAY_MS), new Date(floating(to, zone).getTime() + DAY_MS), true);
  return walls
    .map((w) => {
      const day = toDay(w);
      return { day, startsAt: zonedInstant(day, rule.time, zone) };
    })
    .filter((o) => o.startsAt >= from && o.startsAt <= to);
}
