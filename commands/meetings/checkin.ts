/** /签到 [学校]: a school confirms it will attend the next meeting (also the 签到 button on reminders). */
import { z } from "zod";
import { scheduleBetween, storeOccurrence } from "../../db/meetings.ts";
import { UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { findSchools } from "../core/recognize.ts";
import { boundCommand } from "../core/types.ts";
import { when } from "./shared.ts";

/** Until this long after its start a meeting still takes check-ins ("at the meeting"). */
const DURING_MS = 4 * 3600_000;
const AHEAD_MS = 62 * 86_400_000;

export const checkInCommand = boundCommand({
  name: "签到",
  aliases: ["checkin", "参会", "报名"],
  summary: "确认本校参加下一次联席会议（不写学校则用本人所在学校）",
  examples: ["/签到", "/签到 二小"],
  args: z.object({
    school: field(z.string().max(60, "不超过60个字").optional(), { label: "学校", keys: [], token: "rest" }),
  }),
  async run(ctx, { school }) {
    const name = school?.trim();
    let schoolId = ctx.member.schoolId;
    if (name) {
      const found = findSchools(name, ctx.schools);
      if (found.length === 0) throw new UserError(`没有找到学校「${name}」。例如：/签到 二小（发送 /学校 查看本共同体的学校）`);
      if (found.length > 1) throw new UserError(`「${name}」可以指 ${found.map((s) => s.fullName).join("、")}，请写全称。`, { word: name, options: found.map((s) => s.fullName) });
      schoolId = found[0]!.id;
    }
    if (schoolId === null) throw new UserError("请写上学校。例如：/签到 二小");
    const upcoming = (await scheduleBetween(ctx.db, ctx.community, new Date(ctx.now.getTime() - DURING_MS), new Date(ctx.now.getTime() + AHEAD_MS))).find((o) => !o.cancelled);
    if (!upcoming) throw new UserError("近期没有安排会议，无需签到。发送 /会议 下次 查看会议安排。");
    const meetingId = await storeOccurrence(ctx.db, ctx.community.id, upcoming, ctx.now);
    const schoolName = ctx.schools.find((s) => s.id === schoolId)?.fullName ?? "本校";
    const before = await ctx.db.attendance.findUnique({ where: { meetingId_schoolId: { meetingId, schoolId } } });
    if (before) return `${schoolName} 已经签到过 ${when(ctx, upcoming.startsAt)} 的会议。`;
    await ctx.db.attendance.create({ data: { meetingId, schoolId, memberId: ctx.member.id, createdAt: ctx.now } });
    return `✅ ${schoolName} 已签到：${when(ctx, upcoming.startsAt)} ${upcoming.place ?? ""}`.trim();
  },
});
