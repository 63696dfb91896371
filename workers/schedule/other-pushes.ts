/** Action items due tomorrow (to their owners) and "no joint meeting this month" (to the admins, on the 25th). */
import { DateTime } from "luxon";
import { actionDueText, nothingThisMonthText, type OpenItem } from "../../core/meetings/compose.ts";
import { classifyDue, classifyPlanned } from "../../core/meetings/due.ts";
import { zonedInstant } from "../../core/meetings/occurrences.ts";
import { termFor } from "../../core/terms.ts";
import { todayIn, fromDay } from "../../core/dates.ts";
import type { DueCommunity } from "./community.ts";
import { pushTo, skip, type ScheduleDeps } from "./push.ts";
import type { Audience } from "./recipients.ts";

/** Pushes of this module go out at 09:00 in the community's timezone. */
const AT = "09:00";
const previousDay = (day: string) => DateTime.fromISO(day).minus({ days: 1 }).toISODate() ?? day;

export async function actionItemPushes(
  deps: ScheduleDeps,
  now: Date,
  c: DueCommunity,
  items: readonly (OpenItem & { id: number; ownerId: number | null; plannedAt: Date })[],
  to: Audience,
): Promise<number> {
  let queued = 0;
  for (const item of items) {
    if (!item.due) continue;
    const dueAt = zonedInstant(previousDay(item.due), AT, c.timezone);
    // An item written after its reminder's time (due tomorrow, noted in the afternoon) was not missed.
    const due = classifyPlanned(dueAt, item.plannedAt, now);
    const push = { communityId: c.id, kind: "action-due", occurrenceKey: `action:${item.id}@${item.due}`, dueAt };
    if (due === "future" || due === "forgotten" || due === "never") continue;
    if (due === "missed") {
      await skip(deps, now, push, "more than 6 hours overdue");
      continue;
    }
    queued += await pushTo(deps, now, { ...push, late: due === "late", reply: { text: actionDueText(c.name, item, due === "late") } }, await to.member(item.ownerId));
  }
  return queued;
}

/** On the 25th, a community with a monthly rule and no 联席会议 recorded this month tells its admins. */
export async function nothingThisMonth(deps: ScheduleDeps, now: Date, c: DueCommunity, monthlyRule: boolean, to: Audience): Promise<number> {
  if (!monthlyRule) return 0;
  const month = todayIn(now, c.timezone).slice(0, 7);
  const day = `${month}-25`;
  const dueAt = zonedInstant(day, AT, c.timezone);
  const due = classifyDue(dueAt, now);
  if ((due !== "on-time" && due !== "late") || termFor(c, day) === null) return 0;
  const recorded = await deps.db.activity.count({
    where: { communityId: c.id, kind: "联席会议", revokedAt: null, date: { gte: fromDay(`${month}-01`), lte: fromDay(todayIn(now, c.timezone)) } },
  });
  if (recorded > 0) return 0;
  const push = { communityId: c.id, kind: "no-meeting-month", occurrenceKey: `community:${c.id}@${month}`, dueAt, late: due === "late", reply: { text: nothingThisMonthText(c.name, month) } };
  return pushTo(deps, now, push, await to.admins());
}
