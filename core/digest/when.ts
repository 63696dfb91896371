/** When a community's weekly digest is due: its weekday and wall time in its own timezone. */
import { DateTime } from "luxon";

export const WEEKDAY_NAMES = ["", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const WEEKDAY_WORDS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, 七: 7 };

/** "周一" / "星期一" / "礼拜一" → 1 … 7, else null. */
export function parseWeekday(word: string): number | null {
  const m = /^(?:周|星期|礼拜)([一二三四五六日天七])$/.exec(word.trim());
  return m ? (WEEKDAY_WORDS[m[1]!] ?? null) : null;
}

export interface DigestSchedule {
  weekday: number;
  /** HH:mm */
  time: string;
  timezone: string;
}

/** The most recent due instant at or before `now` (this week's, or last week's if this week's is still ahead). */
export function lastDigestDue(s: DigestSchedule, now: Date): Date {
  const local = DateTime.fromJSDate(now, { zone: s.timezone });
  const [hour, minute] = s.time.split(":").map(Number) as [number, number];
  let due = local.set({ weekday: s.weekday as 1, hour, minute, second: 0, millisecond: 0 });
  if (due > local) due = due.minus({ weeks: 1 });
  return due.toJSDate();
}

/** The ISO week a digest belongs to, e.g. "2026-W49" (in the community's timezone). */
export function digestWeek(dueAt: Date, zone: string): string {
  return DateTime.fromJSDate(dueAt, { zone }).toFormat("kkkk-'W'WW");
}
