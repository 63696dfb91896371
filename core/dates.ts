/**
 * Chinese date words → a calendar day in the community's timezone. Numeric and week-relative
 * forms are handled here (chrono's zh weeks start on Sunday, ours on Monday as on Chinese
 * calendars); spelled-out numerals ("十一月十九日", "二〇二六年…") and day words go to chrono.
 */
import { createRequire } from "node:module";
import { DateTime } from "luxon";

// chrono is loaded on first use: it is only needed for spelled-out numerals, and loading all its
// locales costs ~15 MB of memory in every process.
const require = createRequire(import.meta.url);
let chronoModule: typeof import("chrono-node") | undefined;
const chrono = () => (chronoModule ??= require("chrono-node") as typeof import("chrono-node"));

export interface ParsedDate {
  /** YYYY-MM-DD in the community's timezone. */
  date: string;
  /** HH:mm when a time of day was given. */
  time?: string;
}

export type DateParse = { ok: true; value: ParsedDate } | { ok: false; reason: "invalid" | "not-a-date" };

const WEEKDAY: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 日: 7, 天: 7, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7 };
const DAY_WORD: Record<string, number> = { 今天: 0, 今日: 0, 昨天: -1, 昨日: -1, 前天: -2, 大前天: -3, 明天: 1, 明日: 1, 后天: 2 };
const LOOKS_LIKE_DATE = /^\d{1,4}[-/.年月]|[年月日号天周]|星期|礼拜/;
const TIME = "(?:(上午|早上|中午|下午|晚上)?(\\d{1,2})(?:[点時时:](\\d{1,2}|半)?分?))?";

function withTime(day: DateTime, meridiem?: string, hour?: string, minute?: string): ParsedDate {
  const date = day.toISODate() ?? "";
  if (hour === undefined) return { date };
  let h = Number(hour);
  if ((meridiem === "下午" || meridiem === "晚上") && h < 12) h += 12;
  const m = minute === "半" ? 30 : Number(minute ?? 0);
  return { date, time: `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}` };
}

const DAY_MS = 86_400_000;

/** Calendar arithmetic on plain dates (UTC midnights): no timezone work after "today" is known. */
const utcDay = (year: number, month: number, day: number): number | undefined => {
  const t = Date.UTC(year, month - 1, day);
  const d = new Date(t);
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? t : undefined;
};

/** The year that puts month/day closest to today (a record for "12月30日" typed on Jan 2 is last year). */
function nearestYear(today: DateTime, month: number, day: number): number {
  const now = Date.UTC(today.year, today.month - 1, today.day);
  let best = today.year;
  let bestDistance = Infinity;
  for (const year of [today.year - 1, today.year, today.year + 1]) {
    const t = utcDay(year, month, day);
    if (t === undefined) continue;
    const distance = Math.abs(t - now) / DAY_MS;
    if (distance < bestDistance) [best, bestDistance] = [year, distance];
  }
  return best;
}

/** The day-of-month in this, the previous or the next month that lies nearest to today. */
function nearestMonthDay(today: DateTime, day: number): DateParse {
  if (day < 1 || day > 31) return { ok: false, reason: "invalid" };
  const candidates = [-1, 0, 1]
    .map((offset) => today.startOf("month").plus({ months: offset }))
    .filter((month) => day <= (month.daysInMonth ?? 0))
    .map((month) => month.set({ day }));
  candidates.sort((a, b) => Math.abs(a.diff(today, "days").days) - Math.abs(b.diff(today, "days").days));
  const best = candidates[0];
  return best ? { ok: true, value: { date: best.toISODate() ?? "" } } : { ok: false, reason: "invalid" };
}

function fromParts(today: DateTime, year: number | undefined, month: number, day: number): DateParse {
  const y = year ?? nearestYear(today, month, day);
  const t = utcDay(y, month, day);
  return t === undefined ? { ok: false, reason: "invalid" } : { ok: true, value: { date: new Date(t).toISOString().slice(0, 10) } };
}

/** Whole days between two YYYY-MM-DD dates. */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY_MS);
}

/**
 * Parses one token (already normalized: half-width digits, Simplified). `now` is the clock's
 * instant; the result is a day in `zone`.
 */
export function parseChineseDate(token: string, now: Date, zone: string): DateParse {
  const t = token.trim();
  // Most words tried against the date field are not dates: reject them before any timezone work,
  // which is the expensive part (Intl) of parsing.
  if (!LOOKS_LIKE_DATE.test(t)) return { ok: false, reason: "not-a-date" };
  const today = DateTime.fromJSDate(now, { zone }).startOf("day");

  let m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?$/.exec(t);
  if (m) return fromParts(today, Number(m[1]), Number(m[2]), Number(m[3]));

  // 10月27日, and the short forms chat messages use: 10.27, 10/27, 10-27.
  m = /^(\d{1,2})月(\d{1,2})[日号]?$/.exec(t) ?? /^(\d{1,2})[/.-](\d{1,2})[日号]?$/.exec(t);
  if (m) return fromParts(today, undefined, Number(m[1]), Number(m[2]));

  // "27号" / "27日": that day of the month nearest to today.
  m = /^(\d{1,2})[日号]$/.exec(t);
  if (m) return nearestMonthDay(today, Number(m[1]));

  m = new RegExp(`^(大前天|前天|昨天|昨日|今天|今日|明天|明日|后天)${TIME}$`).exec(t);
  if (m?.[1] !== undefined) {
    const offset = DAY_WORD[m[1]] ?? 0;
    return { ok: true, value: withTime(today.plus({ days: offset }), m[2], m[3], m[4]) };
  }

  m = new RegExp(`^(本|这|上|下|上上)?(?:周|星期|礼拜)([一二三四五六日天1-7])${TIME}$`).exec(t);
  if (m?.[2] !== undefined) {
    const weekday = WEEKDAY[m[2]] ?? 1;
    const weeks = m[1] === "上" ? -1 : m[1] === "下" ? 1 : m[1] === "上上" ? -2 : 0;
    const day = today.startOf("week").plus({ weeks, days: weekday - 1 });
    return { ok: true, value: withTime(day, m[3], m[4], m[5]) };
  }

  // Spelled-out numerals and anything else chrono knows; only accept a full-token match so that
  // "二小" (a school) is never read as a date.
  if (!/[年月日号天周]/.test(t)) return { ok: false, reason: "not-a-date" };
  const results = chrono().zh.hans.parse(t, { instant: now, timezone: zone });
  const first = results[0];
  if (!first || first.text !== t || !first.start.isCertain("day")) return { ok: false, reason: "not-a-date" };
  const s = first.start;
  const year = s.isCertain("year") ? (s.get("year") ?? undefined) : undefined;
  const parsed = fromParts(today, year, s.get("month") ?? 0, s.get("day") ?? 0);
  if (parsed.ok && s.isCertain("hour")) {
    parsed.value.time = `${String(s.get("hour")).padStart(2, "0")}:${String(s.get("minute") ?? 0).padStart(2, "0")}`;
  }
  return parsed;
}

/**
 * The date at the start of a list of words, as a person may type it apart ("12月 9日",
 * "2026 年 12 月 9 日"): the first word alone, else it joined with up to five words after it.
 * A joined date names its month (月): "3 5日" is a number and a day, never the 35th.
 * `used` is how many words the date took (0 when they do not start with a date).
 */
export function parseLeadingDate(words: readonly string[], now: Date, zone: string): { parse: DateParse; used: number } {
  const first = words[0];
  if (first === undefined) return { parse: { ok: false, reason: "not-a-date" }, used: 0 };
  const alone = parseChineseDate(first, now, zone);
  if (alone.ok || alone.reason === "invalid") return { parse: alone, used: 1 };
  // Only pieces of a date (a number, a number with 年/月/日/号, or the word alone) are joined,
  // never a following time, place or text.
  const piece = /^(\d{1,4}[年月日号]?|[年月日号])$/u;
  if (!piece.test(first)) return { parse: alone, used: 1 };
  // The longest run that reads as a date: "12 月 4 日" is not 12月4 followed by a stray 日.
  let best: { parse: DateParse; used: number } = { parse: alone, used: 1 };
  for (let n = 2; n <= Math.min(6, words.length); n++) {
    if (!piece.test(words[n - 1]!)) break;
    const text = words.slice(0, n).join("");
    if (!text.includes("月")) continue;
    const joined = parseChineseDate(text, now, zone);
    if (joined.ok || joined.reason === "invalid") best = { parse: joined, used: n };
  }
  return best;
}

/** Today's date (YYYY-MM-DD) in a timezone. */
export function todayIn(now: Date, zone: string): string {
  return DateTime.fromJSDate(now, { zone }).toISODate() ?? "";
}

/** A DATE column (read as UTC midnight) → its day "YYYY-MM-DD". The one conversion, with fromDay. */
export const toDay = (d: Date): string => d.toISOString().slice(0, 10);
/** A day "YYYY-MM-DD" → the value a DATE column stores (UTC midnight). */
export const fromDay = (day: string): Date => new Date(`${day}T00:00:00Z`);

/** The day `n` days after (or before, for a negative `n`) a YYYY-MM-DD day. */
export const addDays = (day: string, n: number): string => toDay(new Date(fromDay(day).getTime() + n * DAY_MS));
