import { z } from "zod";
import { daysBetween, todayIn, fromDay, toDay } from "../../core/dates.ts";
import { isVisitKind, visitDirection } from "../../core/direction.ts";
import { editableActivity } from "./activity-access.ts";
import { activityFields, confirmField } from "./activity-fields.ts";
import { activityDetails } from "./activity-view.ts";
import { AskError, UserError } from "../core/errors.ts";
import { field } from "../core/fields.ts";
import { checkDay, CONFIRM_DAYS_AHEAD, farDateQuestion, schoolsOfPeople } from "./record.ts";
import { audit } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";

type Stored = { kind: string; hostSchoolId: number | null; schoolIds: number[]; givingSchoolId: number | null; recorderId: number; people: string[] };
type Changes = { kind?: string; host?: number; schools?: number[]; giver?: number; people?: string[] };

/** The receivers: host and participants other than the giver, in that order. */
export function receiversOf(host: number | null, schoolIds: readonly number[], giver: number | null): number[] {
  return [...new Set([host, ...schoolIds])].filter((id): id is number => id !== null && id !== giver);
}

/**
 * When the giver (主讲校=, or 主讲= naming a member with a school), host or participants change,
 * the new giver and receivers; undefined when none of them changed.
 */
async function newDirection(ctx: BoundContext, before: Stored, changes: Changes) {
  const kind = changes.kind ?? before.kind;
  if (isVisitKind(kind)) return newVisitDirection(ctx, before, changes);
  let giver = before.givingSchoolId;
  if (changes.giver !== undefined) giver = changes.giver;
  else if (changes.people) {
    const named = await ctx.db.member.findMany({ where: { communityId: ctx.community.id, displayName: { in: changes.people }, schoolId: { not: null } } });
    const first = changes.people.map((p) => named.find((m) => m.displayName === p)).find(Boolean);
    if (first?.schoolId) giver = first.schoolId;
  }
  if (giver === before.givingSchoolId && changes.host === undefined && !changes.schools) return undefined;
  const host = changes.host ?? before.hostSchoolId;
  return { givingSchoolId: giver, receiverSchoolIds: receiversOf(host, changes.schools ?? before.schoolIds, giver) };
}

/** A visit's direction worked out again as /记录 does (core/direction.ts), from the recorder's school. */
async function newVisitDirection(ctx: BoundContext, before: Stored, changes: Changes) {
  if (changes.giver === undefined && changes.host === undefined && !changes.schools && changes.kind === undefined && !changes.people) return undefined;
  const recorder = await ctx.db.member.findUnique({ where: { id: before.recorderId }, select: { schoolId: true } });
  const host = changes.host ?? before.hostSchoolId;
  const schoolIds = (changes.schools ?? before.schoolIds).filter((id) => id !== host);
  const peopleSchoolIds = await schoolsOfPeople(ctx, changes.people ?? before.people);
  return visitDirection({ hostSchoolId: host, schoolIds, peopleSchoolIds, namedGiverId: changes.giver ?? null, recorderSchoolId: recorder?.schoolId ?? null });
}

export const editCommand = boundCommand({
  name: "修改",
  aliases: ["edit", "更正"],
  summary: "修改一条记录（登记人7天内，或管理员）",
  examples: ["/修改 12 日期=11月21日 人数=40", "/修改 12 课题=《圆的认识》"],
  args: z.object({
    number: field(z.number().int().optional(), { label: "编号", keys: ["编号"], token: "int", required: true, ask: "请问要修改哪条记录？回复编号，例如：12", placeholder: "编号" }),
    ...activityFields,
    kind: field(z.string().optional(), { label: "类型", keys: ["类型", "活动", "kind"], token: "kind" }),
    confirmFar: confirmField(),
  }),
  async run(ctx, { number, confirmFar, ...changes }) {
    if (number === undefined) throw new UserError("请写上记录编号。");
    const before = await editableActivity(ctx, number);
    if (confirmFar === "no") return `好的，#${number} 没有修改。`;
    const today = todayIn(ctx.now, ctx.community.timezone);
    if (changes.date) checkDay(changes.date.date, today);
    if (changes.date && daysBetween(today, changes.date.date) > CONFIRM_DAYS_AHEAD && confirmFar !== "yes") {
      throw new AskError("confirmFar", { number, ...changes }, farDateQuestion(changes.date.date));
    }
    const data: Record<string, unknown> = {};
    if (changes.kind) data.kind = changes.kind;
    if (changes.date) {
      data.date = fromDay(changes.date.date);
    }
    if (changes.host !== undefined) data.hostSchoolId = changes.host;
    if (changes.schools) data.schoolIds = changes.schools;
    if (changes.subject) data.subject = changes.subject;
    if (changes.title) data.title = changes.title;
    if (changes.headcount !== undefined) data.headcount = changes.headcount;
    if (changes.people) data.people = changes.people;
    if (changes.notes !== undefined) data.notes = changes.notes;
    const direction = await newDirection(ctx, before, changes);
    if (direction) Object.assign(data, direction);
    if (Object.keys(data).length === 0) throw new UserError("没有要修改的内容。请写成 字段=值，例如：/修改 12 日期=11月21日");

    const after = await ctx.db.activity.update({ where: { id: before.id }, data: { ...data, updatedAt: ctx.now } });
    const snapshot = (a: typeof before) => ({ ...a, date: toDay(a.date), createdAt: a.createdAt.toISOString(), updatedAt: a.updatedAt.toISOString(), revokedAt: null });
    await audit(ctx, "update", "activity", before.id, snapshot(before), snapshot(after));
    return [`✏️ 已修改 #${number}`, ...activityDetails(after, ctx.schools)].join("\n");
  },
});
