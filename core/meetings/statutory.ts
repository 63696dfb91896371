/**
 * The holidays the law itself fixes, for any year: 《全国年节及纪念日放假办法》 as revised by the
 * State Council on 2024-11-10 (in force from 2025-01-01), article 2:
 *   元旦 1 day (1月1日); 春节 4 days (农历除夕、正月初一至初三); 清明节 1 day (农历清明当日);
 *   劳动节 2 days (5月1日、2日); 端午节 1 day (农历端午当日); 中秋节 1 day (农历中秋当日);
 *   国庆节 3 days (10月1日至3日).
 * (The library's own rules table records the same change: "2025 春节和劳动节 各增加 1 天", and the
 * 2025 notice starts 春节 on 1月28日, 农历除夕.) Lunar days and the 清明 solar term come from the
 * `chinese-days` library's converters. What the law does not fix is each year's 调休 (bridging days
 * off and make-up workdays), which the State Council publishes about a year ahead.
 */
import { addDays, daysBetween } from "../dates.ts";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const lunar = require("chinese-days") as {
  getSolarDateFromLunar: (lunarDate: string) => { date: string; leapMonthDate?: string };
  getSolarTermDate: (year: number, month: number, term: "pure_brightness") => string;
};

/** The first year the revised days apply (春节 with 除夕, two days of 劳动节). */
export const LAW_FROM_YEAR = 2025;

const pad = (n: number) => String(n).padStart(2, "0");
/** The solar day of a lunar month/day in the lunar year that starts in `year` (never the leap month). */
const lunarDay = (year: number, month: number, day: number) => lunar.getSolarDateFromLunar(`${year}-${pad(month)}-${pad(day)}`).date;

/** Each statutory day off of a year, with its festival's name (as the calendar library names them). */
export function statutoryHolidays(year: number): Map<string, string> {
  const days = new Map<string, string>();
  const put = (day: string, name: string) => days.set(day, name);
  put(`${year}-01-01`, "元旦");
  const newYear = lunarDay(year, 1, 1);
  for (const offset of [-1, 0, 1, 2]) put(addDays(newYear, offset), "春节");
  put(lunar.getSolarTermDate(year, 4, "pure_brightness"), "清明");
  put(`${year}-05-01`, "劳动节");
  put(`${year}-05-02`, "劳动节");
  put(lunarDay(year, 5, 5), "端午");
  put(lunarDay(year, 8, 15), "中秋");
  for (const d of ["01", "02", "03"]) put(`${year}-10-${d}`, "国庆节");
  return days;
}

/**
 * Whether a 调休 could move this day: within two weeks of 春节 or 国庆节 (their notices have moved
 * weekends up to eleven days away), within a week of the one- and two-day festivals.
 */
export function nearAdjustableHoliday(day: string, holidays: ReadonlyMap<string, string>): boolean {
  for (const [holiday, name] of holidays) {
    const reach = name === "春节" || name === "国庆节" ? 14 : 7;
    const apart = Math.abs(daysBetween(holiday, day));
    if (apart <= reach) return true;
  }
  return false;
}
