import { z } from "zod";
import { daysBetween, todayIn } from "../core/dates.ts";
import { insertActivity } from "../db/insert-activity.ts";
import { sourceKey } from "../messages/messages.ts";
import { activityFields } from "./activity-fields.ts";
import type { Reply } from "../messages/messages.ts";
import { activityDetails, type ActivityRow } from "./activity-view.ts";
import type { SchoolInfo } from "./recognize.ts";
import { AskError, UserError } from "./errors.ts";
import { boundCommand } from "./types.ts";

const MAX_DAYS_AWAY = 366;

export function checkDay(day: string, today: string): void {
  const away = Math.abs(daysBetween(today, day));
  if (away > MAX_DAYS_AWAY) throw new UserError(`日期 ${day} 离今天超过一年，请检查。例如：11月20日`);
}

/** The reply to a new record; also rebuilt from the stored record when its message comes again. */
export function recordedReplies(activity: ActivityRow, schools: readonly SchoolInfo[]): Reply[] {
  const { number } = activity;
  const text = [`✅ 已记录 #${number}`, ...activityDetails(activity, schools), `有误可发 /修改 ${number} 字段=值，或 /撤销 ${number}`].join("\n");
  return [{ text, actions: [{ label: "确认", command: `/确认 ${number}` }, { label: "撤销", command: `/撤销 ${number}` }] }];
}

export const recordCommand = boundCommand({
  name: "记录",
  aliases: ["record", "登记"],
  summary: "记录一次活动：类型、日期、主办校、参与校、学科、课题、人数、备注",
  examples: ["/记录 示范课 11月20日 二小 语文", "/记录 听评课 昨天 二小 参与=郝家也、双庙 数学 《分数的意义》 35人 备注=效果很好"],
  args: z.object(activityFields),
  singleStatement: true,
  webForm: { title: "登记活动" },
  async run(ctx, args) {
    const kind = args.kind;
    if (!kind) throw new AskError("kind", args);
    const today = todayIn(ctx.now, ctx.community.timezone);
    const day = args.date?.date ?? today;
    checkDay(day, today);
    const host = args.host ?? ctx.member.schoolId ?? undefined;
    if (host === undefined && ctx.schools.length > 0) throw new AskError("host", args);
    const schoolIds = (args.schools ?? []).filter((id) => id !== host);

    const activity = await insertActivity(ctx.sql, {
      communityId: ctx.community.id,
      recorderId: ctx.member.id,
      kind,
      day,
      hostSchoolId: host ?? null,
      schoolIds,
      people: args.people ?? [],
      subject: args.subject ?? null,
      title: args.title ?? null,
      headcount: args.headcount ?? null,
      notes: args.notes ?? null,
      sourceMessageKey: sourceKey(ctx.message),
      at: ctx.now,
    });
    return recordedReplies(activity, ctx.schools);
  },
});
