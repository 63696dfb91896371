/** What the meeting commands share: dates typed in chat, the occurrence on a day, the admin check. */
import { DateTime } from "luxon";
import { parseChineseDate } from "../../core/dates.ts";
import { formatWhen } from "../../core/meetings/compose.ts";
import type { Occurrence } from "../../core/meetings/schedule.ts";
import { scheduleBetween, storeOccurrence } from "../../db/meetings.ts";
import { UserError } from "../core/errors.ts";
import type { BoundContext } from "../core/types.ts";

/** A day typed in chat ("12月5日", "2026-12-05", "下周六") in the community's timezone. */
export function dayArg(ctx: BoundContext, word: string | undefined, what: string, example: string): string {
  if (!word) throw new UserError(`请写上${what}。例如：${example}`);
  const parsed = parseChineseDate(word, ctx.now, ctx.community.timezone);
  if (!parsed.ok) throw new UserError(parsed.reason === "invalid" ? `日期「${word}」不存在，请检查月份和日子。例如：${example}` : `「${word}」不是日期。例如：${example}`);
  return parsed.value.date;
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

/** The meeting on a day (stored or from the rule), cancelled ones included. */
export async function occurrenceOn(ctx: BoundContext, day: string): Promise<Occurrence | undefined> {
  const found = await occurrencesOn(ctx, day);
  return found.find((o) => !o.cancelled) ?? found[0];
}

/** The meeting on a day, stored so it can be changed; a clear refusal when there is none. */
export async function meetingOn(ctx: BoundContext, day: string): Promise<{ id: number; occurrence: Occurrence }> {
  const o = await occurrenceOn(ctx, day);
  if (!o) throw new UserError(`${day} 没有安排会议。发送 /会议 下次 查看会议安排。`);
  return { id: await storeOccurrence(ctx.db, ctx.community.id, o, ctx.now), occurrence: o };
}

export const when = (ctx: BoundContext, at: Date) => formatWhen(at, ctx.community.timezone);
