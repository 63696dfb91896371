/**
 * School terms. A community may set its own dates; otherwise the usual calendar applies:
 * autumn term Sep 1 – Jan 31, spring term Feb 1 – Aug 31 (summer counted with spring so that a
 * record typed in the holiday still lands in a term).
 */
import { DateTime } from "luxon";
import { daysBetween, toDay } from "./dates.ts";

export interface Term {
  name: string;
  start: string; // YYYY-MM-DD, inclusive
  end: string; // YYYY-MM-DD, inclusive
}

export function defaultTermFor(day: string): Term {
  const d = DateTime.fromISO(day);
  if (d.month >= 9 || d.month === 1) {
    const year = d.month === 1 ? d.year - 1 : d.year;
    return { name: `${year}年秋季学期`, start: `${year}-09-01`, end: `${year + 1}-01-31` };
  }
  const end = DateTime.fromObject({ year: d.year, month: 8, day: 31 });
  return { name: `${d.year}年春季学期`, start: `${d.year}-02-01`, end: end.toISODate() ?? "" };
}

export type Period = "本周" | "本月" | "本学期";

export function periodRange(period: Period, today: string, term: Term): { start: string; end: string } {
  const d = DateTime.fromISO(today);
  if (period === "本周") return { start: d.startOf("week").toISODate() ?? "", end: d.endOf("week").toISODate() ?? "" };
  if (period === "本月") return { start: d.startOf("month").toISODate() ?? "", end: d.endOf("month").toISODate() ?? "" };
  return { start: term.start, end: term.end };
}

/** A community's own term setting, as stored on Community (dates as YYYY-MM-DD). */
export interface TermSetting {
  termName: string | null;
  termStart: string | null;
  termEnd: string | null;
}

/** The Community row's term columns (DATE) as a TermSetting: the one conversion. */
export function termSettingOf(c: { termName: string | null; termStart: Date | null; termEnd: Date | null }): TermSetting {
  return { termName: c.termName, termStart: c.termStart && toDay(c.termStart), termEnd: c.termEnd && toDay(c.termEnd) };
}

/**
 * The term a day belongs to for a community, or null in a break: its own term when it set one
 * and the day falls in it, else the usual calendar. The calendar's default terms have no breaks
 * (the summer is counted with spring); a configured term makes the days between its end and the
 * next calendar term (and between the previous calendar term and its start) a break, so
 * reminders and digests stay out of holidays. The one function progress, lists, meetings and
 * digests call.
 */
export function termFor(community: TermSetting, day: string): Term | null {
  const { termStart: start, termEnd: end } = community;
  if (!start || !end) return defaultTermFor(day);
  if (start <= day && day <= end) return { name: community.termName ?? `${start}至${end}`, start, end };
  const calendar = defaultTermFor(day);
  // After the term but still in its calendar term (winter or summer break), or before its start.
  if (day > end && calendar.start === defaultTermFor(end).start) return null;
  if (day < start && calendar.start === defaultTermFor(start).start) return null;
  return calendar;
}

/** The term records of a day count in: in a break, the calendar's (a record typed in the holiday still lands in a term). */
export function countingTermFor(community: TermSetting, day: string): Term {
  return termFor(community, day) ?? defaultTermFor(day);
}

/** "2026年秋季学期" for a term starting in autumn (Aug–Jan), else "…春季学期". */
export function defaultTermName(start: string): string {
  const d = DateTime.fromISO(start);
  return d.month >= 8 || d.month === 1 ? `${d.month === 1 ? d.year - 1 : d.year}年秋季学期` : `${d.year}年春季学期`;
}

/** Whole weeks of a term, the current week number (1-based) and the weeks left including this one. */
export function termWeeks(term: Term, today: string): { total: number; current: number; left: number } {
  const days = daysBetween;
  const total = Math.ceil((days(term.start, term.end) + 1) / 7);
  const current = today < term.start ? 0 : Math.min(total, Math.floor(days(term.start, today) / 7) + 1);
  const left = today > term.end ? 0 : Math.ceil((days(today < term.start ? term.start : today, term.end) + 1) / 7);
  return { total, current, left };
}
