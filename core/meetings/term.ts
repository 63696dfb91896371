/**
 * The one place meetings ask for a community's term: the term `/学期 设置` stored on the
 * community (the same columns core/terms.ts termFor reads), and, unlike that function, null for a
 * day in a break, so reminders stay out of holidays.
 */
import { defaultTermFor, type Term } from "../terms.ts";

export interface TermSource {
  termName: string | null;
  /** YYYY-MM-DD or null. */
  termStart: string | null;
  termEnd: string | null;
}

/**
 * The term a day belongs to, or null in a break. The calendar's default terms have no breaks
 * (core/terms.ts counts the summer with spring); a configured term makes the days between its end
 * and the next calendar term (and between the previous calendar term and its start) a break.
 */
export function termFor(community: TermSource, day: string): Term | null {
  const { termStart: start, termEnd: end } = community;
  if (!start || !end) return defaultTermFor(day);
  if (start <= day && day <= end) return { name: community.termName ?? `${start}至${end}`, start, end };
  const calendar = defaultTermFor(day);
  // After the term but still in its calendar term (winter or summer break), or before its start.
  if (day > end && calendar.start === defaultTermFor(end).start) return null;
  if (day < start && calendar.start === defaultTermFor(start).start) return null;
  return calendar;
}
