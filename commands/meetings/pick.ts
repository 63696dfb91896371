/**
 * Which meeting /会议 改期, 取消 and 议程 mean: the day's only one, or, when the day has several
 * (some communities meet twice a day), the one named by its time ("12月9日 14:00",
 * "12月9日下午2点"). Given only the day, they ask which one, with a button per meeting, and
 * never act on the first one by default.
 */
import { DateTime } from "luxon";
import { parseClock } from "../../core/meetings/clock.ts";
import { formatDay } from "../../core/meetings/compose.ts";
import type { Occurrence } from "../../core/meetings/schedule.ts";
import { storeOccurrence } from "../../db/meetings.ts";
import { AskError, UserError } from "../core/errors.ts";
import type { BoundContext } from "../core/types.ts";
import { MEETING_ACTIONS } from "./meeting-args.ts";
import { occurrencesOn, takeDay } from "./shared.ts";

/** The day a command names a meeting by, its time when typed, and the words after them. */
export interface NamedMeeting {
  day: string;
  time?: string;
  rest: string[];
}

/** The day (and the time, "12月9日 14:00" or "12月9日下午2点") `words` start with; nothing is looked up yet. */
export function meetingWords(ctx: BoundContext, words: readonly string[], what: string, example: string): NamedMeeting {
  const rest = [...words];
  const dated = takeDay(ctx, rest, what, example);
  const time = dated.time ?? leadingTime(rest);
  return { day: dated.day, ...(time ? { time } : {}), rest };
}

/**
 * The meeting named, stored so it can be changed. `which` is the answer to "which one?" (a time,
 * or the number in the question's list); `verb` is the sub-command (改期, 取消, 议程), which the
 * buttons resend with the meeting's time.
 */
export async function pickMeeting(ctx: BoundContext, verb: "改期" | "取消" | "议程", named: NamedMeeting, which: string | undefined): Promise<{ id: number; occurrence: Occurrence }> {
  const { day, rest } = named;
  const all = await occurrencesOn(ctx, day);
  if (all.length === 0) throw new UserError(`${formatDay(day)} 没有安排会议。发送 /会议 下次 查看会议安排。`);
  const live = all.filter((o) => !o.cancelled);
  // A cancelled meeting is only meant when the day has no other (改期 brings it back).
  const candidates = live.length > 0 ? live : all;
  const time = named.time ?? (which === undefined ? undefined : answerOf(which, candidates, ctx));
  const asked = { action: MEETING_ACTIONS[verb], text: [day, ...rest].join(" ") };
  let chosen: Occurrence | undefined;
  if (time !== undefined) {
    chosen = live.find((o) => clockOf(ctx, o) === time) ?? all.find((o) => clockOf(ctx, o) === time);
    if (!chosen) throw askWhich(ctx, verb, day, candidates, rest, asked, `${formatDay(day)} ${time} 没有会议。当天`);
  } else if (candidates.length === 1) chosen = candidates[0];
  else throw askWhich(ctx, verb, day, candidates, rest, asked, formatDay(day));
  return { id: await storeOccurrence(ctx.db, ctx.community.id, chosen!, ctx.now), occurrence: chosen! };
}

/** A time typed right after the day ("12月9日 14:00"), taken out of `rest`. */
function leadingTime(rest: string[]): string | undefined {
  const word = rest[0];
  if (word === undefined) return undefined;
  const clock = parseClock(word);
  if (!clock.ok || clock.rest.trim() !== "") return undefined;
  rest.shift();
  return clock.time;
}

/** The answer to "which one?": a time ("14:00", "下午2点") or the number of a listed meeting ("2", "第2场"). */
function answerOf(which: string, candidates: readonly Occurrence[], ctx: BoundContext): string {
  const clock = parseClock(which);
  if (clock.ok && clock.rest.trim() === "") return clock.time;
  const n = /^第?\s*(\d{1,2})\s*(场|个)?$/.exec(which.trim());
  const picked = n ? candidates[Number(n[1]) - 1] : undefined;
  if (picked) return clockOf(ctx, picked);
  throw new UserError(`没看懂「${which}」。请点选项，或回复会议的时间（例如 ${clockOf(ctx, candidates[0]!)}）。`);
}

const clockOf = (ctx: BoundContext, o: Occurrence) => DateTime.fromJSDate(o.startsAt, { zone: ctx.community.timezone }).toFormat("HH:mm");

/** "14:00 二小 送课安排": a meeting as a button names it (WeCom shows 20 characters of an option). */
function labelOf(ctx: BoundContext, o: Occurrence): string {
  const mark = o.cancelled ? "（已取消）" : "";
  const named = [clockOf(ctx, o), o.place ?? "地点待定", o.agenda ?? ""].join(" ").replace(/\s+/g, " ").trim();
  return named.slice(0, 20 - mark.length) + mark;
}

/** One button per meeting: the same command with the meeting's time after the day. */
function buttons(ctx: BoundContext, verb: string, day: string, candidates: readonly Occurrence[], rest: readonly string[]) {
  return candidates.map((o) => ({ label: labelOf(ctx, o), command: ["/会议", verb, day, clockOf(ctx, o), ...rest].join(" ") }));
}

const listOf = (ctx: BoundContext, candidates: readonly Occurrence[]) => candidates.map((o, i) => `${i + 1}. ${labelOf(ctx, o)}`).join("\n");

const VERB_TEXT: Readonly<Record<string, string>> = { 改期: "要改期", 取消: "要取消", 议程: "要设置议题" };

/**
 * "Which one?", filed as the question for the hidden field `which`: the answer (a time or a
 * number) re-runs the same command; each button sends the command with that meeting's time.
 */
function askWhich(ctx: BoundContext, verb: string, day: string, candidates: readonly Occurrence[], rest: readonly string[], asked: Record<string, unknown>, head: string): AskError {
  const count = candidates.length === 1 ? "有 1 场会议" : `有 ${candidates.length} 场会议`;
  const question = `${head}${count}：\n${listOf(ctx, candidates)}\n${VERB_TEXT[verb] ?? "要"}的是哪一场？点选项，或回复它的时间（例如 ${clockOf(ctx, candidates.at(-1)!)}）。`;
  return new AskError("which", asked, question, undefined, buttons(ctx, verb, day, candidates, rest));
}
