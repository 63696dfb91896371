/** /会议 安排, 改期, 取消, 议程: one meeting at a time (admins). */
import { parseClock } from "../../core/meetings/clock.ts";
import { zonedInstant } from "../../core/meetings/occurrences.ts";
import { DateTime } from "luxon";
import { UserError } from "../core/errors.ts";
import { audit } from "../core/support.ts";
import type { BoundContext } from "../core/types.ts";
import { MEETING_USAGE } from "./usage.ts";
import { dayArg, meetingOn, occurrenceOn, when } from "./shared.ts";

function timeArg(word: string | undefined, example: string): string {
  const clock = word === undefined ? undefined : parseClock(word);
  if (!clock?.ok || clock.rest.trim() !== "") throw new UserError(`请写上会议时间，例如 9:00 或 下午3点半。例如：${example}`);
  return clock.time;
}

function notPast(ctx: BoundContext, at: Date, example: string): void {
  if (at <= ctx.now) throw new UserError(`${when(ctx, at)} 已经过去了，请选以后的时间。例如：${example}`);
  if (at.getTime() - ctx.now.getTime() > 400 * 86_400_000) throw new UserError(`${when(ctx, at)} 离现在超过一年，请检查日期。例如：${example}`);
}

/** /会议 安排 <日期> <时间> [地点] [议题]: adds a meeting, or changes the one on that day. */
export async function arrange(ctx: BoundContext, words: string[]): Promise<string> {
  const example = "/会议 安排 12月12日 14:00 二小 送课安排";
  const day = dayArg(ctx, words[0], "会议日期", example);
  const time = timeArg(words[1], example);
  const startsAt = zonedInstant(day, time, ctx.community.timezone);
  notPast(ctx, startsAt, example);
  const place = words[2]?.slice(0, 100) ?? null;
  const agenda = words.slice(3).join(" ").slice(0, 500) || null;
  const existing = await occurrenceOn(ctx, day);
  if (existing) {
    const { id } = await meetingOn(ctx, day);
    await ctx.db.meeting.update({ where: { id }, data: { startsAt, plannedAt: ctx.now, cancelled: false, ...(place ? { place } : {}), ...(agenda ? { agenda } : {}) } });
    await audit(ctx, "update", "meeting", id, { startsAt: existing.startsAt.toISOString() }, { startsAt: startsAt.toISOString(), place, agenda });
    return `✅ 已调整会议：${when(ctx, startsAt)} ${place ?? existing.place ?? "地点待定"}`;
  }
  const row = await ctx.db.meeting.create({ data: { communityId: ctx.community.id, startsAt, place, agenda, organizerId: ctx.member.id, createdAt: ctx.now, plannedAt: ctx.now } });
  await audit(ctx, "create", "meeting", row.id, null, { startsAt: startsAt.toISOString(), place, agenda });
  return `✅ 已安排会议：${when(ctx, startsAt)} ${place ?? "地点待定"}${agenda ? `\n议题：${agenda}` : ""}\n会前会按设置提醒各群和校长。`;
}

/** /会议 改期 <原日期> <新日期> [时间]: also how an admin accepts a holiday proposal. */
export async function move(ctx: BoundContext, words: string[]): Promise<string> {
  const example = "/会议 改期 12月5日 12月12日";
  const from = dayArg(ctx, words[0], "原来的日期", example);
  const to = dayArg(ctx, words[1], "新的日期", example);
  const { id, occurrence } = await meetingOn(ctx, from);
  const time = words[2] ? timeArg(words[2], example) : timeOf(ctx, occurrence.startsAt);
  const startsAt = zonedInstant(to, time, ctx.community.timezone);
  notPast(ctx, startsAt, example);
  await ctx.db.meeting.update({ where: { id }, data: { startsAt, plannedAt: ctx.now, cancelled: false } });
  await audit(ctx, "move", "meeting", id, { startsAt: occurrence.startsAt.toISOString() }, { startsAt: startsAt.toISOString() });
  return `✅ 会议已改期：${when(ctx, occurrence.startsAt)} → ${when(ctx, startsAt)}。提醒会按新时间发送。`;
}

const timeOf = (ctx: BoundContext, at: Date) => DateTime.fromJSDate(at, { zone: ctx.community.timezone }).toFormat("HH:mm");

export async function cancel(ctx: BoundContext, words: string[]): Promise<string> {
  const day = dayArg(ctx, words[0], "要取消的会议日期", "/会议 取消 12月5日");
  const { id, occurrence } = await meetingOn(ctx, day);
  if (occurrence.cancelled) return `${when(ctx, occurrence.startsAt)} 的会议已经取消过了。`;
  await ctx.db.meeting.update({ where: { id }, data: { cancelled: true } });
  await audit(ctx, "cancel", "meeting", id, null, { startsAt: occurrence.startsAt.toISOString() });
  return `✅ 已取消 ${when(ctx, occurrence.startsAt)} 的会议，不再提醒。`;
}

export async function setAgenda(ctx: BoundContext, words: string[]): Promise<string> {
  const day = dayArg(ctx, words[0], "会议日期", "/会议 议程 12月5日 期末联考安排");
  const agenda = words.slice(1).join(" ").trim();
  if (agenda === "") throw new UserError(`请写上议题内容。\n${MEETING_USAGE}`);
  if (agenda.length > 500) throw new UserError("议题不超过500个字。");
  const { id, occurrence } = await meetingOn(ctx, day);
  await ctx.db.meeting.update({ where: { id }, data: { agenda } });
  await audit(ctx, "agenda", "meeting", id, null, { agenda });
  return `✅ 已设置 ${when(ctx, occurrence.startsAt)} 会议的议题：${agenda}`;
}
