/**
 * /纪要 <文字>: the minutes of the latest meeting. The first minutes of a meeting also record a
 * 联席会议 activity (the normal activity insert, in this command's transaction); lines such as
 * "待办：@王老师 12月10日前 提交送课方案" become numbered action items.
 */
import { z } from "zod";
import { extractActionItems } from "../../core/meetings/action-items.ts";
import { itemLine } from "../../core/meetings/compose.ts";
import { todayIn } from "../../core/dates.ts";
import { normalizeText, splitCommand, stripLeadingMentions } from "../../core/normalize.ts";
import { insertActivity } from "../../db/insert-activity.ts";
import { fromDay, scheduleBetween, storeOccurrence } from "../../db/meetings.ts";
import { sqlInTransaction } from "../../db/tx-sql.ts";
import { sourceKey } from "../../messages/messages.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { when } from "./shared.ts";

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

export const minutesCommand = boundCommand({
  name: "纪要",
  webForm: { title: "填写联席会议纪要" },
  aliases: ["minutes", "会议纪要"],
  summary: "记录最近一次联席会议的纪要（同时记一次联席会议活动；「待办：@某某 日期前 事项」成为待办）",
  examples: ["/纪要 讨论了期末联考安排。待办：@王老师 12月10日前 提交送课方案"],
  args: z.object({
    text: field(z.string().optional(), { label: "纪要", keys: [], token: "rest", hint: "每个待办单独一行，例如：待办：@王老师 12月10日前 提交送课方案" }),
  }),
  async run(ctx, args) {
    // From the web form the text comes as a field (line breaks kept); typed, from the raw message.
    const text = ctx.message.form ? (args.text ?? "").trim() : minutesText(ctx.message.text);
    if (text === "") throw new UserError(`请写上会议纪要。${EXAMPLE}`);
    if (text.length > MAX_MINUTES) throw new UserError(`纪要不超过${MAX_MINUTES}字，请精简或分成附件。`);
    const zone = ctx.community.timezone;
    const today = todayIn(ctx.now, zone);
    const recent = (await scheduleBetween(ctx.db, ctx.community, new Date(ctx.now.getTime() - LOOK_BACK_MS), new Date(ctx.now.getTime() + 86_400_000))).filter(
      (o) => !o.cancelled && todayIn(o.startsAt, zone) <= today,
    );
    const meeting = recent.at(-1);
    if (!meeting)
      throw new UserError(`最近两个月还没有开过的会议（已安排的还没到时间），纪要无处记录。请在会后发送；补记以前的会议请先 /会议 安排 日期 时间，或用 /记录 联席会议 日期 记一次活动。${EXAMPLE}`);
    const meetingId = await storeOccurrence(ctx.db, ctx.community.id, meeting, ctx.now);
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
    if (items.length > 0) lines.push("待办：", ...items.map((it, i) => `· ${itemLine({ number: numbers[i]!, owner: it.owner, task: it.task, due: it.due })}`), "完成后发送 /完成 编号");
    return lines.join("\n");
  },
});
