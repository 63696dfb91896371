/** /会议 规则: sets (or replaces) the community's recurring meeting; /会议 下次: the next three. */
import { adjustmentsUnpublished, checkMeetingDay } from "../../core/meetings/calendar.ts";
import { formatDay } from "../../core/meetings/compose.ts";
import { parseRule } from "../../core/meetings/rule.ts";
import { termFor } from "../../core/terms.ts";
import { todayIn, fromDay } from "../../core/dates.ts";
import { holidayOverrides, scheduleBetween } from "../../db/meetings.ts";
import { UserError } from "../core/errors.ts";
import { audit } from "../core/support.ts";
import type { BoundContext } from "../core/types.ts";
import { when } from "./shared.ts";

const HORIZON_MS = 400 * 86_400_000;

/** The next `count` meetings, each with a note when it falls on a holiday or in a break. */
export async function nextMeetings(ctx: BoundContext, count = 3): Promise<string> {
  const list = (await scheduleBetween(ctx.db, ctx.community, ctx.now, new Date(ctx.now.getTime() + HORIZON_MS))).filter((o) => !o.cancelled).slice(0, count);
  if (list.length === 0) return "还没有安排会议。管理员可发送：/会议 规则 每月第一个周六 9:00 二小会议室";
  const days = await holidayOverrides(ctx.db, ctx.community.id);
  const today = todayIn(ctx.now, ctx.community.timezone);
  const lines = list.map((o) => {
    const day = todayIn(o.startsAt, ctx.community.timezone);
    const check = checkMeetingDay(day, today, days);
    const notes = [
      check.kind === "holiday"
        ? `⚠️${check.name}假期${check.suggestion ? `，建议改到${formatDay(check.suggestion)}${adjustmentsUnpublished(check.suggestion) ? `（${check.suggestion.slice(0, 4)}年调休安排未公布）` : ""}：/会议 改期 ${day} ${check.suggestion}` : ""}`
        : "",
      check.kind === "unknown" ? `（${check.year}年调休安排未公布）` : "",
      termFor(ctx.community, day) === null ? "（假期中，不发提醒）" : "",
    ].join("");
    return `· ${when(ctx, o.startsAt)} ${o.place ?? "地点待定"}${o.agenda ? ` 议题：${o.agenda}` : ""}${notes}`;
  });
  return [`接下来的会议：`, ...lines].join("\n");
}

export async function setRule(ctx: BoundContext, text: string): Promise<string> {
  const today = todayIn(ctx.now, ctx.community.timezone);
  if (text === "删除" || text === "取消") {
    const deleted = await ctx.db.meetingRule.deleteMany({ where: { communityId: ctx.community.id } });
    if (deleted.count === 0) throw new UserError("还没有设置会议规则。例如：/会议 规则 每月第一个周六 9:00 二小会议室");
    await dropFutureRuleMeetings(ctx);
    await audit(ctx, "delete", "meetingRule", null, null, null);
    return "已删除会议规则，以后的例会不再提醒（单独安排的会议不受影响）。";
  }
  const parsed = parseRule(text, today);
  if (!parsed.ok) throw new UserError(parsed.message);
  const r = parsed.rule;
  const data = { text: text.slice(0, 200), rrule: r.rrule, time: r.time, anchor: fromDay(r.anchor), place: r.place, createdById: ctx.member.id, updatedAt: ctx.now };
  const row = await ctx.db.meetingRule.upsert({
    where: { communityId: ctx.community.id },
    create: { communityId: ctx.community.id, ...data, createdAt: ctx.now },
    update: data,
  });
  // Re-plan: stored future occurrences of the old rule go (their reminders are computed anew from
  // the new rule on the next tick); one-off meetings and past ones stay.
  await dropFutureRuleMeetings(ctx);
  await audit(ctx, "set", "meetingRule", row.id, null, { rrule: r.rrule, time: r.time, place: r.place });
  // The RFC 5545 form is stored (and audited); people read the phrase and the dates.
  return [`✅ 会议规则：${r.label}${r.place ? ` ${r.place}` : ""}`, await nextMeetings(ctx)].join("\n");
}

async function dropFutureRuleMeetings(ctx: BoundContext): Promise<void> {
  await ctx.db.meeting.deleteMany({ where: { communityId: ctx.community.id, ruleDay: { not: null }, startsAt: { gt: ctx.now }, minutes: null } });
}
