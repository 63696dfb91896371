import { z } from "zod";
import { daysBetween, todayIn, fromDay, toDay } from "../../core/dates.ts";
import { isVisitKind, visitDirection } from "../../core/direction.ts";
import { insertActivity, type NewActivity } from "../../db/insert-activity.ts";
import { sourceKey } from "../../messages/messages.ts";
import { activityFields, confirmField } from "./activity-fields.ts";
import type { Platform, Reply } from "../../messages/messages.ts";
import { activityDetails, type ActivityRow } from "./activity-view.ts";
import type { SchoolInfo } from "../core/recognize.ts";
import { AskError, UserError } from "../core/errors.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";

const MAX_DAYS_AWAY = 366;
/** Further ahead than this, a date is more likely a typo (a wrong year) than a plan: ask first. */
export const CONFIRM_DAYS_AHEAD = 60;

export function checkDay(day: string, today: string): void {
  const away = Math.abs(daysBetween(today, day));
  if (away > MAX_DAYS_AWAY) throw new UserError(`日期 ${day} 离今天超过一年，请检查。例如：11月20日`);
}

/** "2027年10月14日" */
export const dayInWords = (day: string): string => {
  const [y, m, d] = day.split("-").map(Number);
  return `${y}年${m}月${d}日`;
};

/** The question asked before recording a date far ahead. */
export function farDateQuestion(day: string): string {
  return `是 ${dayInWords(day)} 吗？回复「是」确认，回复「否」取消后重新发送。`;
}

/** Which follow-up buttons this deployment can offer under a record's reply. */
export interface NextActions {
  /** Web forms are on: "再记一条" opens the form with the same kind. */
  forms?: boolean;
  /** The platform delivers pictures people send (WeCom, DingTalk): "加照片" says how, and where they go. */
  photos?: boolean;
}

/** Platforms whose pictures reach the bot (messages/pictures.ts); the simulator's do not. */
export const takesPictures = (platform: Platform) => platform === "wecom" || platform === "dingtalk";

/**
 * The reply to a new record; also rebuilt from the stored record when its message comes again.
 * `today` marks a record dated later as planned (计划), not done.
 */
export function recordedReplies(activity: ActivityRow, schools: readonly SchoolInfo[], today?: string, next: NextActions = {}): Reply[] {
  const { number } = activity;
  const day = toDay(activity.date);
  const planned = today !== undefined && day > today ? [`📅 计划：${dayInWords(day)}，到那天才计入完成`] : [];
  const text = [`✅ 已记录 #${number}`, ...activityDetails(activity, schools), ...planned, `有误可发 /修改 ${number} 字段=值，或 /撤销 ${number}`].join("\n");
  return [
    {
      text,
      actions: [
        { label: "确认", command: `/确认 ${number}` },
        { label: "撤销", command: `/撤销 ${number}` },
        // The next likely actions (issue 25): its photos, and another of the same kind on the form with the kind chosen.
        ...(next.photos ? [{ label: "加照片", command: `/照片 ${number}` }] : []),
        ...(next.forms ? [{ label: "再记一条", command: `/表单 ${activity.kind}` }] : []),
      ],
    },
  ];
}

/** The schools of the named people who are members with a school, in the order named. */
export async function schoolsOfPeople(ctx: BoundContext, people: readonly string[]): Promise<number[]> {
  if (people.length === 0) return [];
  const named = await ctx.db.member.findMany({ where: { communityId: ctx.community.id, displayName: { in: [...people] }, schoolId: { not: null } }, select: { displayName: true, schoolId: true } });
  return people.flatMap((p) => named.filter((m) => m.displayName === p).map((m) => m.schoolId as number));
}

export const recordArgs = z.object({ ...activityFields, confirmFar: confirmField() });
export type RecordArgs = z.infer<typeof recordArgs>;

export const recordCommand = boundCommand({
  name: "记录",
  aliases: ["record", "登记"],
  summary: "记录一次活动：类型、日期、主办校、参与校、学科、课题、人数、备注；日期在今天之后的是计划",
  examples: ["/记录 示范课 11月20日 二小 语文", "/记录 听评课 昨天 二小 参与=郝家也、双庙 数学 《分数的意义》 35人 备注=效果很好", "/记录 示范课 上周五 二小 李老师执教 语文"],
  args: recordArgs,
  singleStatement: true,
  replay: (recorded, schools, today, settings, platform) =>
    recordedReplies({ ...recorded, date: fromDay(recorded.date) }, schools, today, { forms: settings.forms !== undefined, photos: takesPictures(platform) }),
  webForm: { title: "登记活动" },
  async run(ctx, args) {
    const { activity, today } = await recordActivity(ctx, args);
    return recordedReplies(activity, ctx.schools, today, { forms: ctx.settings.forms !== undefined, photos: takesPictures(ctx.message.platform) });
  },
});

/**
 * Checks and stores one record under the message's key, or throws AskError/UserError. Shared by
 * /记录, several records in one message (each line its own key) and ledger imports.
 */
export async function recordActivity(ctx: BoundContext, args: RecordArgs, key = sourceKey(ctx.message)) {
  const { row, today } = await prepareRecord(ctx, args, key);
  return { activity: await insertActivity(ctx.sql, row), today };
}

/** The checks of /记录 (throwing as it does) and the row it would store; a ledger import's preview stops here. */
export async function prepareRecord(ctx: BoundContext, { confirmFar, ...args }: RecordArgs, key: string): Promise<{ row: NewActivity; today: string }> {
  const kind = args.kind;
  if (!kind) throw new AskError("kind", { ...args, confirmFar });
  const today = todayIn(ctx.now, ctx.community.timezone);
  const day = args.date?.date ?? today;
  checkDay(day, today);
  if (confirmFar === "no") throw new UserError(`好的，没有记录。请重新发送，例如：/记录 ${kind} ${dayInWords(today).replace(/^\d+年/, "")}`);
  if (daysBetween(today, day) > CONFIRM_DAYS_AHEAD && confirmFar !== "yes") throw new AskError("confirmFar", { ...args }, farDateQuestion(day));
  const host = args.host ?? ctx.member.schoolId ?? undefined;
  if (host === undefined && ctx.schools.length > 0) throw new AskError("host", { ...args, confirmFar });
  const schoolIds = (args.schools ?? []).filter((id) => id !== host);
  // A visit (听评课, 参观学习, 挂职): the visiting school gives, whoever taught the lesson watched.
  const visit = isVisitKind(kind)
    ? visitDirection({
        hostSchoolId: host ?? null,
        schoolIds,
        peopleSchoolIds: await schoolsOfPeople(ctx, args.people ?? []),
        namedGiverId: args.giver ?? null,
        recorderSchoolId: ctx.member.schoolId,
      })
    : null;

  const row: NewActivity = {
    communityId: ctx.community.id,
    recorderId: ctx.member.id,
    recorderSchoolId: ctx.member.schoolId,
    kind,
    day,
    hostSchoolId: host ?? null,
    schoolIds,
    givingSchoolId: visit ? visit.givingSchoolId : (args.giver ?? null),
    ...(visit && { receiverSchoolIds: visit.receiverSchoolIds }),
    people: args.people ?? [],
    subject: args.subject ?? null,
    title: args.title ?? null,
    headcount: args.headcount ?? null,
    notes: args.notes ?? null,
    sourceMessageKey: key,
    at: ctx.now,
  };
  return { row, today };
}
