/** What the meeting commands share: dates typed in chat, the occurrence on a day, the admin check. */
import { DateTime } from "luxon";
import { parseLeadingDate } from "../../core/dates.ts";
import { formatWhen } from "../../core/meetings/compose.ts";
import type { Occurrence } from "../../core/meetings/schedule.ts";
import { scheduleBetween } from "../../db/meetings.ts";
import { UserError } from "../core/errors.ts";
import type { BoundContext } from "../core/types.ts";

/** A day typed in chat ("12月5日", "2026-12-05", "下周六") in the community's timezone. */
export function dayArg(ctx: BoundContext, word: string | undefined, what: string, example: string): string {
  return takeDay(ctx, word === undefined ? [] : [word], what, example).day;
}

/**
 * The day (and the time, when typed with it: "明天下午3点") at the start of `words`, read by the
 * same recogniser as /记录, a date typed apart ("12月 9日") included; the words it took are removed.
 */
export function takeDay(ctx: BoundContext, words: string[], what: string, example: string): { day: string; time?: string } {
  const word = words[0];
  if (!word) throw new UserError(`请写上${what}。例如：${example}`);
  const { parse, used } = parseLeadingDate(words, ctx.now, ctx.community.timezone);
  const typed = words.slice(0, used).join(" ");
  if (!parse.ok) throw new UserError(parse.reason === "invalid" ? `日期「${typed}」不存在，请检查月份和日子。例如：${example}` : `「${word}」不是日期。例如：${example}`);
  words.splice(0, used);
  return { day: parse.value.date, ...(parse.value.time ? { time: parse.value.time } : {}) };
}

/** The instants bounding a local day. */
export function dayBounds(day: string, zone: string): { from: Date; to: Date } {
  const start = DateTime.fromISO(day, { zone }).startOf("day");
  return { from: start.toJSDate(), to: start.endOf("day").toJSDate() };
}

/** The meetings on a day (stored or from the rule), cancelled ones included, earliest first. */
export async function occurrencesOn(ctx: BoundContext, day: string): Promise<Occurrence[]> {
  const { from, to } = dayBounds(day, ctx.community.timezone);
  const found = await scheduleBetween(ctx.db, ctx.community, from, to);
  return [...found].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
}

export const when = (ctx: BoundContext, at: Date) => formatWhen(at, ctx.community.timezone);
