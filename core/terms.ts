/**
 * School terms. A community may set its own dates; otherwise the usual calendar applies:
 * autumn term Sep 1 – Jan 31, spring term Feb 1 – Aug 31 (summer counted with spring so that a
 * record typed in the holiday still lands in a term).
 */
import { DateTime } from "luxon";
import { daysBetween } from "./dates.ts";

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

/** The community's configured term when today falls inside it, else the calendar's. */
export function currentTerm(today: string, configured?: { name: string | null; start: string | null; end: string | null }): Term {
  if (configured?.start && configured.end && configured.start <= today && today <= configured.end) {
    return { name: configured.name ?? `${configured.start}至${configured.end}`, start: configured.start, end: configured.end };
  }
  return defaultTermFor(today);
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

/**
 * The term a day belongs to for a community: its own term when it set one and the day falls in
 * it, else the usual calendar. The one function progress, lists, meetings and digests call.
 */
export function termFor(community: TermSetting, day: string): Term {
  return currentTerm(day, { name: community.termName, start: community.termStart, end: community.termEnd });
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
