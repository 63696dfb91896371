/**
 * Mainland China's statutory holidays and make-up workdays, from the maintained `chinese-days`
 * data (the State Council's notices, one year at a time), with a community's own overrides on
 * top. A year the data does not cover yet still has the holidays the law fixes (statutory.ts);
 * only the days its unpublished 调休 could move are "unknown", never silently a working day.
 */
import { createRequire } from "node:module";
import { addDays, fromDay } from "../dates.ts";

import { LAW_FROM_YEAR, nearAdjustableHoliday, statutoryHolidays } from "./statutory.ts";

const require = createRequire(import.meta.url);
const data = require("chinese-days/dist/chinese-days.json") as { holidays: Record<string, string>; workdays: Record<string, string> };

const years = Object.keys(data.holidays).map((d) => Number(d.slice(0, 4)));
/** The years the library knows (the State Council publishes next year's around December). */
export const COVERED_YEARS = { first: Math.min(...years), last: Math.max(...years) };

/** An admin's hand-entered day: a holiday, or a make-up workday; it wins over the library. */
export type Override = "holiday" | "workday";
export type Overrides = ReadonlyMap<string, Override>;

export type DayStatus = { kind: "holiday"; name: string } | { kind: "workday"; makeUp: boolean } | { kind: "weekend" } | { kind: "unknown"; year: number };

/** "National Day,国庆节,3" → "国庆节". */
const chineseName = (raw: string) => raw.split(",")[1] ?? raw;
const weekdayOf = (day: string) => fromDay(day).getUTCDay(); // 0 = Sunday

export function dayStatus(day: string, overrides: Overrides = new Map()): DayStatus {
  const own = overrides.get(day);
  if (own === "holiday") return { kind: "holiday", name: "自定假日" };
  if (own === "workday") return { kind: "workday", makeUp: true };
  const year = Number(day.slice(0, 4));
  if (year > COVERED_YEARS.last && year >= LAW_FROM_YEAR) {
    // Beyond the published notices: the law's own days are known; only days a 调休 could move are not.
    const law = statutoryHolidays(year);
    const holiday = law.get(day);
    if (holiday) return { kind: "holiday", name: holiday };
    // 春节 of the next year can reach back into this one (a late-January 除夕's make-up days).
    if (nearAdjustableHoliday(day, law) || nearAdjustableHoliday(day, statutoryHolidays(year + 1))) return { kind: "unknown", year };
    const wd = weekdayOf(day);
    return wd === 0 || wd === 6 ? { kind: "weekend" } : { kind: "workday", makeUp: false };
  }
  if (year < COVERED_YEARS.first || year > COVERED_YEARS.last) return { kind: "unknown", year };
  const holiday = data.holidays[day];
  if (holiday) return { kind: "holiday", name: chineseName(holiday) };
  if (data.workdays[day]) return { kind: "workday", makeUp: true };
  const wd = weekdayOf(day);
  return wd === 0 || wd === 6 ? { kind: "weekend" } : { kind: "workday", makeUp: false };
}

/**
 * The working day nearest to `day`, not before `earliest`, within two weeks: a weekday that is
 * not a holiday, or a make-up workday. Ties go to the later day (time to prepare). In a year whose
 * 调休 is not published, a weekday the law does not make a holiday counts (the proposal says so).
 */
export function nearestWorkingDay(day: string, earliest: string, overrides: Overrides = new Map()): string | null {
  for (let d = 1; d <= 14; d++) {
    for (const candidate of [addDays(day, d), addDays(day, -d)]) {
      if (candidate < earliest) continue;
      const status = dayStatus(candidate, overrides);
      if (status.kind === "workday" || (status.kind === "unknown" && weekdayOf(candidate) % 6 !== 0 && status.year >= LAW_FROM_YEAR)) return candidate;
    }
  }
  return null;
}

/** True when the day's year has no published 调休 yet (its statutory days are still known). */
export const adjustmentsUnpublished = (day: string) => Number(day.slice(0, 4)) > COVERED_YEARS.last;

export type HolidayCheck = { kind: "ok" } | { kind: "holiday"; name: string; suggestion: string | null } | { kind: "unknown"; year: number };

/** Whether a meeting day needs the admin's attention, and what to propose. */
export function checkMeetingDay(day: string, earliest: string, overrides: Overrides = new Map()): HolidayCheck {
  const status = dayStatus(day, overrides);
  if (status.kind === "holiday") return { kind: "holiday", name: status.name, suggestion: nearestWorkingDay(day, earliest, overrides) };
  if (status.kind === "unknown") return { kind: "unknown", year: status.year };
  return { kind: "ok" };
}
