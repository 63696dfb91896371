/** Mentor pairs with no activity for four weeks or more (counted from their pairing or the term's start). */
import { daysBetween } from "../dates.ts";
import { pairActivity, type ProgressInput, type ProgressMentorPair } from "../progress.ts";

export const IDLE_DAYS = 28;

export interface IdlePair {
  pair: ProgressMentorPair;
  /** Whole weeks since the last activity (or since pairing / term start when there was none). */
  weeks: number;
  never: boolean;
}

export function idlePairs(input: ProgressInput, pairSince: ReadonlyMap<number, string>): IdlePair[] {
  const { today, term } = input;
  if (today < term.start) return [];
  const last = new Map<number, string>();
  for (const p of input.pairs) {
    for (const a of input.activities) {
      if (a.date > today) continue;
      if (pairActivity(a, p) && a.date > (last.get(p.id) ?? "")) last.set(p.id, a.date);
    }
  }
  const out: IdlePair[] = [];
  for (const p of input.pairs) {
    const since = [term.start, pairSince.get(p.id) ?? term.start].sort().at(-1)!;
    const seen = last.get(p.id);
    const from = seen !== undefined && seen > since ? seen : since;
    const days = daysBetween(from, today);
    if (days >= IDLE_DAYS) out.push({ pair: p, weeks: Math.floor(days / 7), never: seen === undefined });
  }
  return out.sort((a, b) => b.weeks - a.weeks);
}
