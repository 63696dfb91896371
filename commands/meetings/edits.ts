/** /会议 安排, 改期, 取消, 议程: one meeting at a time (admins). */
import { parseClock } from "../../core/meetings/clock.ts";
import { zonedInstant } from "../../core/meetings/occurrences.ts";
import { DateTime } from "luxon";
import { todayIn } from "../../core/dates.ts";
import { formatDay } from "../../core/meetings/compose.ts";
import { audit } from "../core/support.ts";
import type { BoundContext } from "../core/types.ts";
import { meetingUsage, SAME_DAY_CHOICES } from "./meeting-args.ts";
import type { Occurrence } from "../../core/meetings/schedule.ts";
import { storeOccurrence } from "../../db/meetings.ts";
import { AskError, UserError } from "../core/errors.ts";
import { meetingWords, pickMeeting } from "./pick.ts";
import { occurrencesOn, takeDay, when } from "./shared.ts";

function timeArg(word: string | undefined, example: string): string {
  const clock = word === undefined ? undefined : parseClock(word);
  if (!clock?.ok || clock.rest.trim() !== "") throw new UserError(`请写上会议时间，例如 9:00 或 下午3点半。例如：${example}`);
  return clock.time;
}

function notPast(ctx: BoundContext, at: Date, example: string): void {
  if (at <= ctx.now)
    throw new UserError(
      `${when(ctx, at)} 已经过去了，请选以后的时间。例如：${example}\n补记已经开过的会议，直接发纪要并写上日期：/纪要 ${formatDay(todayIn(at, ctx.community.timezone))} ${timeOf(ctx, at)} 纪要内容`,
    );
  if (at.getTime() - ctx.now.getTime() > 400 * 86_400_000) throw new UserError(`${when(ctx, at)} 离现在超过一年，请检查日期。例如：${example}`);
}

/** The last word of the ready-made messages behind the two buttons. */
const MOVE_WORD = "改时间";
const ADD_WORD = "另加一场";

/**
 * /会议 安排 <日期> <时间> [地点] [议题]: adds a meeting. When the day already has one at another
 * time, asks whether to move that one or add another; never silently both. A meeting that has
 * minutes, attendance or to-dos was held (or is being prepared): it is not moved, so what belongs
 * to it never ends up under another time.
 */
export async function arrange(ctx: BoundContext, words: string[], sameDay?: "move" | "add" | "no"): Promise<string> {
  const example = "/会议 安排 12月12日 14:00 二小 送课安排";
  const marker = words.length > 2 ? SAME_DAY_CHOICES[words.at(-1)!] : undefined;
  const how = sameDay ?? (marker === "move" || marker === "add" ? marker : undefined);
  const typed = marker === "move" || marker === "add" ? words.slice(0, -1) : words;
  if (how === "no") return "好的，没有安排新的会议，当天原有的会议不变。";
  const left = [...typed];
  const { day, time: typedWithDay } = takeDay(ctx, left, "会议日期", example);
  const time = typedWithDay ?? timeArg(left.shift(), example);
  const startsAt = zonedInstant(day, time, ctx.community.timezone);
  notPast(ctx, startsAt, example);
  const place = left[0]?.slice(0, 100) ?? null;
  const agenda = left.slice(1).join(" ").slice(0, 500) || null;
  const live = (await occurrencesOn(ctx, day)).filter((o) => !o.cancelled);
  const same = live.find((o) => o.startsAt.getTime() === startsAt.getTime());
  if (same) {
    // The very meeting named again: its place or agenda changes, nothing else.
    const id = await storeOccurrence(ctx.db, ctx.community.id, same, ctx.now);
    await ctx.db.meeting.update({ where: { id }, data: { ...(place ? { place } : {}), ...(agenda ? { agenda } : {}) } });
    await audit(ctx, "update", "meeting", id, null, { place, agenda });
    return `✅ 已更新会议：${when(ctx, startsAt)} ${place ?? same.place ?? "地点待定"}`;
  }
  if (live.length > 0 && how !== "add") {
    const movable = live.length === 1 ? await withoutRecords(ctx, live[0]!) : undefined;
    if (how === "move" && movable) return moveTo(ctx, movable, startsAt, place, agenda);
    throw askSameDay(ctx, typed, live, movable, startsAt, how === "move");
  }
  const row = await ctx.db.meeting.create({ data: { communityId: ctx.community.id, startsAt, place, agenda, organizerId: ctx.member.id, createdAt: ctx.now, plannedAt: ctx.now } });
  await audit(ctx, "create", "meeting", row.id, null, { startsAt: startsAt.toISOString(), place, agenda });
  const also = live.length > 0 ? `\n当天原有的会议（${live.map((o) => timeOf(ctx, o.startsAt)).join("、")}）不变。` : "";
  return `✅ 已安排会议：${when(ctx, startsAt)} ${place ?? "地点待定"}${agenda ? `\n议题：${agenda}` : ""}${also}\n会前会按设置提醒各群和校长。`;
}

/** The meeting, if nothing is recorded under it yet (no minutes, attendance or to-dos): only then may it move. */
async function withoutRecords(ctx: BoundContext, o: Occurrence): Promise<Occurrence | undefined> {
  if (o.minutes) return undefined;
  if (o.meetingId === null) return o;
  const [attended, items] = await Promise.all([ctx.db.attendance.count({ where: { meetingId: o.meetingId } }), ctx.db.actionItem.count({ where: { meetingId: o.meetingId } })]);
  return attended + items === 0 ? o : undefined;
}

async function moveTo(ctx: BoundContext, o: Occurrence, startsAt: Date, place: string | null, agenda: string | null): Promise<string> {
  const id = await storeOccurrence(ctx.db, ctx.community.id, o, ctx.now);
  await ctx.db.meeting.update({ where: { id }, data: { startsAt, plannedAt: ctx.now, ...(place ? { place } : {}), ...(agenda ? { agenda } : {}) } });
  await audit(ctx, "move", "meeting", id, { startsAt: o.startsAt.toISOString() }, { startsAt: startsAt.toISOString(), place, agenda });
  return `✅ 已把 ${when(ctx, o.startsAt)} 的会议改到 ${when(ctx, startsAt)} ${place ?? o.place ?? "地点待定"}。提醒会按新时间发送。`;
}

function askSameDay(ctx: BoundContext, typed: string[], live: Occurrence[], movable: Occurrence | undefined, startsAt: Date, triedMove: boolean): AskError {
  const resend = (word: string) => `/会议 安排 ${[...typed, word].join(" ")}`;
  const at = timeOf(ctx, startsAt);
  const listed = live.map((o) => `${timeOf(ctx, o.startsAt)} ${o.place ?? "地点待定"}`).join("、");
  const head = `${when(ctx, live[0]!.startsAt).replace(/\s*\d{1,2}:\d{2}$/, "")} 已有会议：${listed}。`;
  const add = { label: `另加一场（${at}）`, command: resend(ADD_WORD) };
  if (!movable) {
    const why = live.length > 1 ? "当天已有不止一场，请用 /会议 改期 调整其中一场" : "它已有纪要、签到或待办，不能改时间（这些只属于那一场）";
    const refused = triedMove ? "没有改时间：" : "";
    const question = `${head}${refused}${why}。\n要在 ${at} 另加一场吗？回复「另加」确认，回复「取消」不安排。`;
    return new AskError("sameDay", { action: "arrange", text: typed.join(" ") }, question, undefined, [add]);
  }
  const question = `${head}\n· 改时间：把 ${timeOf(ctx, movable.startsAt)} 的会议改到 ${at}\n· 另加：${at} 再开一场，原来的不变\n回复「改时间」或「另加」（回复「取消」不安排）。`;
  return new AskError("sameDay", { action: "arrange", text: typed.join(" ") }, question, undefined, [{ label: `改到 ${at}`, command: resend(MOVE_WORD) }, add]);
}

/** /会议 改期 <原日期> [原时间] <新日期> [时间]: also how an admin accepts a holiday proposal. */
export async function move(ctx: BoundContext, words: string[], which?: string): Promise<string> {
  const example = "/会议 改期 12月5日 12月12日";
  const named = meetingWords(ctx, words, "原来的日期", example);
  const left = [...named.rest];
  const to = takeDay(ctx, left, "新的日期", example);
  const typedTime = to.time ?? (left[0] ? timeArg(left[0], example) : undefined);
  const { id, occurrence } = await pickMeeting(ctx, "改期", named, which);
  const time = typedTime ?? timeOf(ctx, occurrence.startsAt);
  const startsAt = zonedInstant(to.day, time, ctx.community.timezone);
  notPast(ctx, startsAt, example);
  await ctx.db.meeting.update({ where: { id }, data: { startsAt, plannedAt: ctx.now, cancelled: false } });
  await audit(ctx, "move", "meeting", id, { startsAt: occurrence.startsAt.toISOString() }, { startsAt: startsAt.toISOString() });
  return `✅ 会议已改期：${when(ctx, occurrence.startsAt)} → ${when(ctx, startsAt)}。提醒会按新时间发送。`;
}

const timeOf = (ctx: BoundContext, at: Date) => DateTime.fromJSDate(at, { zone: ctx.community.timezone }).toFormat("HH:mm");

export async function cancel(ctx: BoundContext, words: string[], which?: string): Promise<string> {
  const { id, occurrence } = await pickMeeting(ctx, "取消", meetingWords(ctx, words, "要取消的会议日期", "/会议 取消 12月5日"), which);
  if (occurrence.cancelled) return `${when(ctx, occurrence.startsAt)} 的会议已经取消过了。`;
  await ctx.db.meeting.update({ where: { id }, data: { cancelled: true } });
  await audit(ctx, "cancel", "meeting", id, null, { startsAt: occurrence.startsAt.toISOString() });
  return `✅ 已取消 ${when(ctx, occurrence.startsAt)} 的会议，不再提醒。`;
}

export async function setAgenda(ctx: BoundContext, words: string[], which?: string): Promise<string> {
  const example = "/会议 议程 12月5日 期末联考安排";
  const named = meetingWords(ctx, words, "会议日期", example);
  const agenda = named.rest.join(" ").trim();
  if (agenda === "") throw new UserError(`请写上议题内容。\n${meetingUsage()}`);
  if (agenda.length > 500) throw new UserError("议题不超过500个字。");
  const { id, occurrence } = await pickMeeting(ctx, "议程", named, which);
  await ctx.db.meeting.update({ where: { id }, data: { agenda } });
  await audit(ctx, "agenda", "meeting", id, null, { agenda });
  return `✅ 已设置 ${when(ctx, occurrence.startsAt)} 会议的议题：${agenda}`;
}
