/** /设置 提醒 (how long before a meeting reminders go out) and /设置 假期 (own holidays and make-up days). Admins. */
import { z } from "zod";
import { offsetLabel, parseOffsets } from "../../core/meetings/clock.ts";
import { COVERED_YEARS } from "../../core/meetings/calendar.ts";
import { DEFAULT_OFFSETS } from "../../core/meetings/due.ts";
import { UserError } from "../core/errors.ts";
import { field, type VerbUsage } from "../core/fields.ts";
import { DIGEST_SETTINGS_VERB, digestSettings } from "../digest/digest-settings.ts";
import { audit, requireRole } from "../core/support.ts";
import { boundCommand, type BoundContext } from "../core/types.ts";
import { dayArg } from "./shared.ts";
import { usageLines, usageText } from "../core/usage.ts";
import { PRIVACY_SETTINGS_VERB, privacySettings, privacySummary } from "../privacy/privacy-settings.ts";
import { fromDay, toDay } from "../../core/dates.ts";

async function reminders(ctx: BoundContext, words: string[]): Promise<string> {
  if (words.length === 0) {
    const c = await ctx.db.community.findUniqueOrThrow({ where: { id: ctx.community.id }, select: { reminderOffsets: true } });
    const offsets = c.reminderOffsets.length > 0 ? c.reminderOffsets : DEFAULT_OFFSETS;
    return `会前提醒：${offsets.map(offsetLabel).join("、")}。修改例如：/设置 提醒 3天 2小时`;
  }
  const parsed = parseOffsets(words.join(" "));
  if (!parsed.ok) throw new UserError(parsed.message);
  await ctx.db.community.update({ where: { id: ctx.community.id }, data: { reminderOffsets: parsed.minutes, remindersChangedAt: ctx.now } });
  await audit(ctx, "set", "reminderOffsets", ctx.community.id, null, parsed.minutes);
  return `✅ 会前提醒改为：${parsed.minutes.map(offsetLabel).join("、")}（发到各群和每位校长）。`;
}

async function holidays(ctx: BoundContext, words: string[]): Promise<string> {
  const example = "/设置 假期 2027-01-01";
  if (words.length === 0) {
    const rows = await ctx.db.holidayOverride.findMany({ where: { communityId: ctx.community.id }, orderBy: { day: "asc" } });
    const note = `日历库已收录${COVERED_YEARS.first}—${COVERED_YEARS.last}年的法定节假日。`;
    if (rows.length === 0) return `${note}还没有手动设置的假日。\n${usageText(SETTINGS, "holiday")}`;
    return [note, "手动设置：", ...rows.map((r) => `· ${toDay(r.day)} ${r.workday ? "补班" : "放假"}`)].join("\n");
  }
  if (words[0] === "删除") {
    const day = dayArg(ctx, words[1], "要删除的日期", "/设置 假期 删除 2027-01-01");
    const gone = await ctx.db.holidayOverride.deleteMany({ where: { communityId: ctx.community.id, day: fromDay(day) } });
    if (gone.count === 0) throw new UserError(`${day} 没有手动设置过。发送 /设置 假期 查看。`);
    await audit(ctx, "delete", "holidayOverride", null, { day }, null);
    return `✅ 已删除 ${day} 的手动设置，按日历库计算。`;
  }
  const day = dayArg(ctx, words[0], "日期", example);
  const rest = words.slice(1);
  if (rest.length > 1 || (rest[0] !== undefined && rest[0] !== "补班" && rest[0] !== "放假")) throw new UserError(`日期后面只能写「补班」或「放假」。例如：${example} 或 /设置 假期 2027-02-20 补班`);
  const workday = rest[0] === "补班";
  const data = { workday, createdById: ctx.member.id, createdAt: ctx.now };
  await ctx.db.holidayOverride.upsert({
    where: { communityId_day: { communityId: ctx.community.id, day: fromDay(day) } },
    create: { communityId: ctx.community.id, day: fromDay(day), ...data },
    update: data,
  });
  await audit(ctx, "set", "holidayOverride", null, null, { day, workday });
  return `✅ 已设置 ${day} 为${workday ? "补班（工作日）" : "假日"}，优先于日历库。`;
}

const REMINDER_VERB: readonly VerbUsage[] = [{ args: "3天 2小时", does: "会前多久提醒（默认3天和2小时）" }];
const HOLIDAY_VERB: readonly VerbUsage[] = [{ args: "<日期> [补班]", does: "例如：/设置 假期 2027-01-01；补班日：/设置 假期 2027-02-20 补班" }, { args: "删除 <日期>" }];

const args = z.object({
  what: field(z.enum(["reminders", "holidays", "digest", "privacy"]).optional(), {
    label: "提醒|假期|周报|隐私",
    keys: [],
    token: "choice",
    choices: { 提醒: "reminders", 假期: "holidays", 假日: "holidays", 节假日: "holidays", 周报: "digest", 隐私: "privacy" },
    placeholder: "提醒|假期|周报|隐私",
    verbs: { reminders: REMINDER_VERB, holidays: HOLIDAY_VERB, digest: DIGEST_SETTINGS_VERB, privacy: PRIVACY_SETTINGS_VERB },
  }),
  text: field(z.string().max(300, "不超过300个字").optional(), { label: "内容", keys: [], token: "rest" }),
});

/** What /设置's usage is generated from (its name and schema). */
const SETTINGS = { name: "设置", args };

export const settingsCommand = boundCommand({
  name: SETTINGS.name,
  aliases: ["settings", "设定"],
  summary: "设置会前提醒时间、本共同体的假日和补班日、周报发送时间、个人信息联系人和保存期限（管理员）",
  examples: ["/设置 提醒 3天 2小时", "/设置 假期 2027-01-01", "/设置 假期 2027-02-20 补班", "/设置 周报 周一 8:00", "/设置 隐私 联系人 王主任 13800000000"],
  args,
  async run(ctx, { what, text }) {
    const words = (text ?? "").split(/\s+/).filter(Boolean);
    switch (what) {
      case "reminders":
        if (words.length > 0) requireRole(ctx, ["admin"], "修改提醒时间");
        return reminders(ctx, words);
      case "holidays":
        if (words.length > 0) requireRole(ctx, ["admin"], "设置假日");
        return holidays(ctx, words);
      case "digest":
        return digestSettings(ctx, words);
      case "privacy":
        return privacySettings(ctx, words, usageLines(SETTINGS, "privacy").join("\n"));
      case undefined:
        if (words[0] !== undefined) throw new UserError(`没看懂「${words[0]}」。\n${usageText(SETTINGS)}`);
        return `${usageText(SETTINGS)}\n\n${await privacySummary(ctx)}`;
    }
  },
});
