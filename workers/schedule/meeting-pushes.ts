/**
 * What is due for one community's meetings: reminders (each configured offset), the minutes
 * nudge the day after, and the holiday proposal a week ahead. Computed from the rule and the
 * stored meetings on every tick, so a changed rule or a moved meeting re-plans by itself.
 */
import { checkMeetingDay, type Overrides } from "../../core/meetings/calendar.ts";
import { holidayProposalText, minutesNudgeText, reminderText, type OpenItem } from "../../core/meetings/compose.ts";
import { CATCH_UP_MS, classifyPlanned, latest } from "../../core/meetings/due.ts";
import type { Occurrence } from "../../core/meetings/schedule.ts";
import { termFor } from "../../core/terms.ts";
import { todayIn } from "../../core/dates.ts";
import { schoolsOf } from "../../db/schools.ts";
import type { DueCommunity } from "./community.ts";
import { pushTo, skip, type ScheduleDeps } from "./push.ts";
import type { Audience } from "./recipients.ts";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const PROPOSAL_AHEAD = 7 * DAY;

const occurrenceKey = (c: DueCommunity, o: Occurrence) => `community:${c.id}@${o.startsAt.toISOString()}`;
const dayOf = (c: DueCommunity, o: Occurrence) => todayIn(o.startsAt, c.timezone);

async function attendanceOf(deps: ScheduleDeps, c: DueCommunity, o: Occurrence): Promise<{ confirmed: string[]; unconfirmed: string[] }> {
  const schools = await schoolsOf(deps.db, c.id);
  const present = o.meetingId === null ? [] : await deps.db.attendance.findMany({ where: { meetingId: o.meetingId }, select: { schoolId: true } });
  const ids = new Set(present.map((a) => a.schoolId));
  return { confirmed: schools.filter((s) => ids.has(s.id)).map((s) => s.fullName), unconfirmed: schools.filter((s) => !ids.has(s.id)).map((s) => s.fullName) };
}

/**
 * The reminders of one meeting. Of the leads whose time has come only the nearest one is sent: an
 * earlier lead it overtook (after downtime, or a meeting scheduled at short notice) would say
 * the same thing, later than it should. A lead whose time passed before the meeting was
 * scheduled or moved, or before the leads were changed, was never missed: it goes out now,
 * saying how long until the meeting, if it lies within the catch-up window of that change or
 * is the meeting's last lead (else the next lead reminds). 迟到提醒 is only for a lead that was
 * planned in time and passed while the bot was down.
 */
async function reminders(deps: ScheduleDeps, now: Date, c: DueCommunity, o: Occurrence, openItems: readonly OpenItem[], to: Audience): Promise<number> {
  const dueAt = (offset: number) => new Date(o.startsAt.getTime() - offset * 60_000);
  const nearestFirst = [...c.reminderOffsets].sort((a, b) => a - b);
  const offset = nearestFirst.find((off) => dueAt(off) <= now);
  if (offset === undefined) return 0;
  const leadAhead = nearestFirst.some((off) => dueAt(off) > now);
  const due = classifyPlanned(dueAt(offset), latest(o.plannedAt, c.remindersChangedAt), now, leadAhead ? CATCH_UP_MS : Number.POSITIVE_INFINITY);
  const push = { communityId: c.id, kind: `meeting-reminder-${offset}`, occurrenceKey: occurrenceKey(c, o), dueAt: dueAt(offset) };
  if (due === "future" || due === "forgotten" || due === "never") return 0;
  if (due === "missed" || o.startsAt <= now) {
    await skip(deps, now, push, due === "missed" ? "more than 6 hours overdue" : "the meeting has started");
    return 0;
  }
  const { confirmed, unconfirmed } = await attendanceOf(deps, c, o);
  const text = reminderText({
    community: c.name,
    startsAt: o.startsAt,
    zone: c.timezone,
    place: o.place,
    agenda: o.agenda,
    // Sent at its time it says its lead; sent now (re-planned) it says how long is really left.
    offsetMinutes: due === "now" ? Math.max(1, Math.round((o.startsAt.getTime() - now.getTime()) / 60_000)) : offset,
    late: due === "late",
    openItems,
    confirmed,
    // The schools still to confirm are named from the day before on.
    unconfirmed: offset <= 1440 ? unconfirmed : [],
  });
  const recipients = [...(await to.groups()), ...(await to.principals())];
  return pushTo(deps, now, { ...push, late: due === "late", reply: { text, actions: [{ label: "签到", command: "/签到" }] } }, recipients);
}

async function minutesNudge(deps: ScheduleDeps, now: Date, c: DueCommunity, o: Occurrence, to: Audience): Promise<number> {
  if (o.minutes !== null) return 0;
  const dueAt = new Date(o.startsAt.getTime() + DAY);
  const due = classifyPlanned(dueAt, o.plannedAt, now);
  const push = { communityId: c.id, kind: "minutes-nudge", occurrenceKey: occurrenceKey(c, o), dueAt };
  if (due === "future" || due === "forgotten" || due === "never") return 0;
  if (due === "missed") return Number(await skip(deps, now, push, "more than 6 hours overdue"));
  const text = minutesNudgeText(c.name, o.startsAt, c.timezone, due === "late");
  return pushTo(deps, now, { ...push, late: due === "late", reply: { text } }, await to.member(o.organizerId));
}

/** A week ahead (and until the meeting), when its day is a holiday or in a year not yet published. */
async function holidayProposal(deps: ScheduleDeps, now: Date, c: DueCommunity, o: Occurrence, overrides: Overrides, to: Audience): Promise<number> {
  if (now.getTime() < o.startsAt.getTime() - PROPOSAL_AHEAD || o.startsAt <= now) return 0;
  const day = dayOf(c, o);
  const tomorrow = todayIn(new Date(now.getTime() + DAY), c.timezone);
  const check = checkMeetingDay(day, tomorrow, overrides);
  if (check.kind === "ok") return 0;
  const reply = {
    text: holidayProposalText(c.name, day, check),
    ...(check.kind === "holiday" && check.suggestion ? { actions: [{ label: "改期", command: `/会议 改期 ${day} ${check.suggestion}` }] } : {}),
  };
  // The kind names the finding: after an admin marks an unpublished day as a holiday, the proposal follows.
  const push = { communityId: c.id, kind: `meeting-holiday-${check.kind}`, occurrenceKey: occurrenceKey(c, o), dueAt: new Date(o.startsAt.getTime() - PROPOSAL_AHEAD), late: false, reply };
  return pushTo(deps, now, push, await to.admins());
}

/** The meetings a tick looks at: from 8 days back (nudges, catch-up) to 15 days ahead (the longest reminder offset is 14 days). */
export const scheduleWindow = (now: Date) => ({ from: new Date(now.getTime() - 8 * DAY), to: new Date(now.getTime() + 15 * DAY) });

export interface MeetingInputs {
  schedule: readonly Occurrence[];
  openItems: readonly OpenItem[];
  overrides: Overrides;
  to: Audience;
}

export async function meetingPushes(deps: ScheduleDeps, now: Date, c: DueCommunity, { schedule, openItems, overrides, to }: MeetingInputs): Promise<number> {
  let queued = 0;
  for (const o of schedule) {
    // Cancelled meetings and meetings in a break (outside the term) get nothing.
    if (o.cancelled || termFor(c, dayOf(c, o)) === null) continue;
    queued += await reminders(deps, now, c, o, openItems, to);
    queued += await minutesNudge(deps, now, c, o, to);
    queued += await holidayProposal(deps, now, c, o, overrides, to);
  }
  return queued;
}
