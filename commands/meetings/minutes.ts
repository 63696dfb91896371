/**
 * /纪要 <文字>: the minutes of the latest meeting. The first minutes of a meeting also record a
 * 联席会议 activity (the normal activity insert, in this command's transaction); lines such as
 * "待办：@王老师 12月10日前 提交送课方案" become numbered action items.
 */
import { z } from "zod";
import { extractActionItems } from "../../core/meetings/action-items.ts";
import { itemLine } from "../../core/meetings/compose.ts";
import { DateTime } from "luxon";
import { daysBetween, fromDay, parseLeadingDate, todayIn } from "../../core/dates.ts";
import { parseClock } from "../../core/meetings/clock.ts";
import { formatDay } from "../../core/meetings/compose.ts";
import { zonedInstant } from "../../core/meetings/occurrences.ts";
import type { Occurrence } from "../../core/meetings/schedule.ts";
import { normalizeText, splitCommand, stripLeadingMentions } from "../../core/normalize.ts";
import { insertActivity } from "../../db/insert-activity.ts";
import { scheduleBetween, storeOccurrence } from "../../db/meetings.ts";
import { sqlInTransaction } from "../../db/tx-sql.ts";
import { sourceKey } from "../../messages/messages.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { audit } from "../core/support.ts";
import { occurrencesOn, when } from "./shared.ts";

const LOOK_BACK_MS = 62 * 86_400_000;
const MAX_MINUTES = 3000;
const EXAMPLE = "例如：/纪要 讨论了期末联考安排。待办：@王老师 12月10日前 提交送课方案";

/** The message's text after "/纪要", line breaks kept (the normal parser folds them). */
function minutesText(raw: string): string {
  const lines = raw.replace(/\r/g, "").split("\n");
  const head = splitCommand(stripLeadingMentions(normalizeText(lines[0] ?? "")).text);
  return [head?.rest ?? "", ...lines.slice(1).map(normalizeText)].join("\n").trim();
}

/** Members named in action items: "@王老师" matches a member 王老师, or 王 + a title. */
async function ownerIds(ctx: BoundContext, names: string[]): Promise<Map<string, number>> {
  const wanted = [...new Set(names.flatMap((n) => [n, n.replace(/(老师|校长|主任|书记|组长)$/, "")]))];
  const members = await ctx.db.member.findMany({ where: { communityId: ctx.community.id, displayName: { in: wanted } }, select: { id: true, displayName: true } });
  const out = new Map<string, number>();
  for (const n of names) {
    const hit = members.filter((m) => m.displayName === n || m.displayName === n.replace(/(老师|校长|主任|书记|组长)$/, ""));
    if (hit.length === 1) out.set(n, hit[0]!.id);
  }
  return out;
}

/** The community's own school in an example, not the demo's 二小. */
function pastExample(ctx: BoundContext): string {
  const school = ctx.schools[0]?.shortNames[0] ?? ctx.schools[0]?.fullName;
  return `例如：/纪要 11月20日 14:00 ${school ? `在${school}召开，` : ""}讨论了期末联考安排`;
}

interface DatedMinutes {
  day: string;
  /** HH:mm when written ("11月20日 14:00" or "11月20日下午2点"). */
  time: string | undefined;
  rest: string;
}

/**
 * "/纪要 11月20日 [14:00] 文字": the minutes name their meeting's day first, read by the same date
 * recogniser as /记录 (and a time as /会议 takes it). Only a first word that is a date counts.
 */
function leadingDay(ctx: BoundContext, text: string): DatedMinutes | undefined {
  // The first line's first words (a date may be typed apart: "11月 20日"); the rest keeps its line breaks.
  const head = /^([^\n]*)([\s\S]*)$/.exec(text)!;
  const words = (head[1] ?? "").split(/[ \t]+/).filter(Boolean);
  const { parse: parsed, used } = parseLeadingDate(words, ctx.now, ctx.community.timezone);
  if (!parsed.ok) {
    if (parsed.reason === "invalid") throw new UserError(`日期「${words.slice(0, used).join(" ")}」不存在，请检查月份和日子。${pastExample(ctx)}`);
    return undefined;
  }
  let rest = `${words.slice(used).join(" ")}${head[2] ?? ""}`;
  let time = parsed.value.time;
  const clock = time ? undefined : /^(\S+)(?:[ \t]+|$)([\s\S]*)$/.exec(rest);
  const read = clock ? parseClock(clock[1]!) : undefined;
  if (clock && read?.ok && read.rest.trim() === "") {
    time = read.time;
    rest = clock[2] ?? "";
  }
  return { day: parsed.value.date, time, rest: rest.trim() };
}

/** The most recent meeting that has begun (the last two months): what plain /纪要 is about. */
async function latestMeeting(ctx: BoundContext): Promise<{ meeting: Occurrence; meetingId: number; created?: undefined }> {
  const zone = ctx.community.timezone;
  const today = todayIn(ctx.now, zone);
  const recent = (await scheduleBetween(ctx.db, ctx.community, new Date(ctx.now.getTime() - LOOK_BACK_MS), new Date(ctx.now.getTime() + 86_400_000))).filter(
    (o) => !o.cancelled && todayIn(o.startsAt, zone) <= today,
  );
  const meeting = recent.at(-1);
  if (!meeting) throw new UserError(`最近两个月还没有开过的会议（已安排的还没到时间）。补记以前开过、没有安排过的会议，请在纪要前写上日期（和时间）：${pastExample(ctx).replace(/^例如：/, "")}`);
  return { meeting, meetingId: await storeOccurrence(ctx.db, ctx.community.id, meeting, ctx.now) };
}

/**
 * The meeting of a named day: the one held then (at the named time, or the day's last that has
 * begun), or, when nobody scheduled one, a meeting created as already held. It is in the past,
 * so no reminder is ever due for it.
 */
async function meetingOfDay(ctx: BoundContext, dated: DatedMinutes): Promise<{ meeting: Occurrence; meetingId: number; created?: string }> {
  const zone = ctx.community.timezone;
  const today = todayIn(ctx.now, zone);
  if (dated.day > today) throw new UserError(`${formatDay(dated.day)} 还没到，纪要请在会后记录。${pastExample(ctx)}`);
  if (daysBetween(dated.day, today) > 366) throw new UserError(`${dated.day} 已是一年以前，请检查日期。${pastExample(ctx)}`);
  const held = (await occurrencesOn(ctx, dated.day)).filter((o) => !o.cancelled && o.startsAt <= ctx.now);
  const named = dated.time ? held.find((o) => DateTime.fromJSDate(o.startsAt, { zone }).toFormat("HH:mm") === dated.time) : held.at(-1);
  if (named) return { meeting: named, meetingId: await storeOccurrence(ctx.db, ctx.community.id, named, ctx.now) };
  const time = dated.time ?? UNSTATED_TIME;
  const startsAt = zonedInstant(dated.day, time, zone);
  if (startsAt > ctx.now) throw new UserError(`${formatDay(dated.day)} ${time} 还没到，纪要请在会后记录。${pastExample(ctx)}`);
  const row = await ctx.db.meeting.create({ data: { communityId: ctx.community.id, startsAt, organizerId: ctx.member.id, createdAt: ctx.now, plannedAt: ctx.now } });
  await audit(ctx, "create", "meeting", row.id, null, { startsAt: startsAt.toISOString(), held: true });
  const meeting: Occurrence = { meetingId: row.id, ruleDay: null, startsAt, place: null, agenda: null, cancelled: false, organizerId: ctx.member.id, minutes: null, plannedAt: ctx.now };
  return { meeting, meetingId: row.id, created: dated.time ? "" : `没写时间，按 ${time} 记；` };
}

/** The time a past meeting is filed under when its minutes name only the day. */
const UNSTATED_TIME = "09:00";

export const minutesCommand = boundCommand({
  name: "纪要",
  webForm: { title: "填写联席会议纪要" },
  aliases: ["minutes", "会议纪要"],
  summary: "记录最近一次联席会议的纪要；以日期开头补记那天的会议（没安排过的补记为已开过）；「待办：@某某 日期前 事项」成为待办",
  examples: ["/纪要 讨论了期末联考安排。待办：@王老师 12月10日前 提交送课方案", "/纪要 11月20日 14:00 讨论了送课安排"],
  args: z.object({
    text: field(z.string().optional(), { label: "纪要", keys: [], token: "rest", hint: "每个待办单独一行，例如：待办：@王老师 12月10日前 提交送课方案" }),
  }),
  async run(ctx, args) {
    // From the web form the text comes as a field (line breaks kept); typed, from the raw message.
    let text = ctx.message.form ? (args.text ?? "").trim() : minutesText(ctx.message.text);
    if (text === "") throw new UserError(`请写上会议纪要。${EXAMPLE}`);
    if (text.length > MAX_MINUTES) throw new UserError(`纪要不超过${MAX_MINUTES}字，请精简或分成附件。`);
    const zone = ctx.community.timezone;
    const dated = leadingDay(ctx, text);
    const { meeting, meetingId, created } = dated ? await meetingOfDay(ctx, dated) : await latestMeeting(ctx);
    text = dated ? dated.rest : text;
    if (text === "") throw new UserError(`请在日期后写上会议纪要。${pastExample(ctx)}`);
    const day = todayIn(meeting.startsAt, zone);

    const items = extractActionItems(text, ctx.now, zone);
    const owners = await ownerIds(
      ctx,
      items.flatMap((i) => (i.owner ? [i.owner] : [])),
    );
    let numbers: number[] = [];
    if (items.length > 0) {
      const seq = await ctx.db.community.update({ where: { id: ctx.community.id }, data: { actionSeq: { increment: items.length } }, select: { actionSeq: true } });
      numbers = items.map((_, i) => seq.actionSeq - items.length + 1 + i);
      await ctx.db.actionItem.createMany({
        data: items.map((it, i) => ({
          communityId: ctx.community.id,
          number: numbers[i]!,
          meetingId,
          ownerName: it.owner,
          ownerId: it.owner ? (owners.get(it.owner) ?? null) : null,
          task: it.task,
          due: it.due ? fromDay(it.due) : null,
          createdAt: ctx.now,
        })),
      });
    }
    const first = meeting.minutes === null;
    await ctx.db.meeting.update({ where: { id: meetingId }, data: { minutes: text, minutesAt: ctx.now } });

    let recorded = "";
    if (first) {
      const attended = await ctx.db.attendance.findMany({ where: { meetingId }, select: { schoolId: true } });
      const host = ctx.member.schoolId;
      const activity = await insertActivity(sqlInTransaction(ctx.db), {
        // A joint meeting is given by the school that hosts it (the recorder's): the others receive it.
        communityId: ctx.community.id,
        recorderId: ctx.member.id,
        kind: "联席会议",
        day,
        hostSchoolId: host,
        givingSchoolId: null,
        recorderSchoolId: host,
        schoolIds: attended.map((a) => a.schoolId).filter((id) => id !== host),
        people: [],
        subject: null,
        title: null,
        headcount: null,
        notes: text.slice(0, 1000),
        sourceMessageKey: sourceKey(ctx.message),
        at: ctx.now,
      });
      recorded = `（已记为联席会议活动 #${activity.number}）`;
    }
    const lines = [`✅ 已${first ? "记录" : "更新"} ${when(ctx, meeting.startsAt)} 联席会议纪要${recorded}`];
    if (created !== undefined) lines.push(`这次会议之前没有安排过，已补记为开过的会议（${created}不发提醒）。`);
    if (items.length > 0) lines.push("待办：", ...items.map((it, i) => `· ${itemLine({ number: numbers[i]!, owner: it.owner, task: it.task, due: it.due })}`), "完成后发送 /完成 编号");
    return lines.join("\n");
  },
});
