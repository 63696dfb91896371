/** The texts of every scheduled push: pure functions of what is due (Simplified Chinese). */
import { DateTime } from "luxon";
import { offsetLabel } from "./clock.ts";
import { adjustmentsUnpublished, type HolidayCheck } from "./calendar.ts";

const WEEKDAY = ["", "一", "二", "三", "四", "五", "六", "日"];

/** "12月5日（周六）09:00" in the community's timezone. */
export function formatWhen(at: Date, zone: string): string {
  const t = DateTime.fromJSDate(at, { zone });
  return `${t.month}月${t.day}日（周${WEEKDAY[t.weekday]}）${t.toFormat("HH:mm")}`;
}

/** "12月5日" for a YYYY-MM-DD day; with the year when it is not `thisYear`. */
export function formatDay(day: string, thisYear?: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return `${thisYear !== undefined && y !== thisYear ? `${y}年` : ""}${m}月${d}日`;
}

export interface OpenItem {
  number: number;
  owner: string | null;
  task: string;
  due: string | null;
}

export const itemLine = (i: OpenItem) => `#${i.number} ${i.owner ? `@${i.owner} ` : ""}${i.task}${i.due ? `（${formatDay(i.due)}前）` : ""}`;

export interface ReminderInput {
  community: string;
  startsAt: Date;
  zone: string;
  place: string | null;
  agenda: string | null;
  offsetMinutes: number;
  late: boolean;
  openItems: readonly OpenItem[];
  confirmed: readonly string[];
  unconfirmed: readonly string[];
}

export function reminderText(r: ReminderInput): string {
  const lines = [
    `${r.late ? "【迟到提醒】" : ""}📅 ${r.community} 联席会议${r.late ? "" : `（${offsetLabel(r.offsetMinutes)}后）`}`,
    `时间：${formatWhen(r.startsAt, r.zone)}`,
    `地点：${r.place ?? "待定"}`,
    `议题：${r.agenda ?? "待定（管理员可发 /会议 议程 日期 内容）"}`,
  ];
  if (r.late) lines.push("（机器人恢复运行后补发，原定提醒时间已过）");
  if (r.openItems.length > 0) lines.push("未完成的待办：", ...r.openItems.slice(0, 10).map((i) => `· ${itemLine(i)}`));
  if (r.openItems.length > 10) lines.push(`……共${r.openItems.length}项`);
  if (r.confirmed.length > 0) lines.push(`已签到：${r.confirmed.join("、")}`);
  if (r.unconfirmed.length > 0) lines.push(`尚未确认参加：${r.unconfirmed.join("、")}`);
  lines.push("参加请点「签到」或发送 /签到 学校");
  return lines.join("\n");
}

export function minutesNudgeText(community: string, startsAt: Date, zone: string, late: boolean): string {
  return `${late ? "【迟到提醒】" : ""}📝 ${community} ${formatWhen(startsAt, zone)}的联席会议还没有纪要。\n请发送：/纪要 会议内容（可写「待办：@王老师 12月10日前 提交送课方案」）`;
}

export function actionDueText(community: string, item: OpenItem, late: boolean): string {
  return `${late ? "【迟到提醒】" : ""}⏰ ${community} 待办快到期：${itemLine(item)}\n完成后请发送：/完成 ${item.number}`;
}

export function nothingThisMonthText(community: string, month: string): string {
  const [, m] = month.split("-").map(Number);
  return `📌 ${community} 本月（${m}月）还没有记录联席会议。\n开过会请发 /纪要 会议内容，或 /记录 联席会议 日期；还没开请用 /会议 安排 日期 时间 安排。`;
}

/** The admin's proposal a week ahead when a meeting falls on a holiday (or in an unpublished year). */
export function holidayProposalText(community: string, day: string, check: Exclude<HolidayCheck, { kind: "ok" }>): string {
  const when = formatDay(day);
  if (check.kind === "unknown") {
    return `🗓 ${community} ${check.year}年${when}的联席会议：这天靠近法定节假日，国务院还没有公布${check.year}年的调休安排（日历库暂未收录），无法判断这天是否因调休放假或上班。\n如果这天放假，请发送：/设置 假期 ${day}；需要改期可发：/会议 改期 ${day} 新日期`;
  }
  if (!check.suggestion) return `🗓 ${community} ${when}的联席会议在${check.name}假期中，两周内没有找到工作日，请用 /会议 改期 ${day} 新日期 调整。`;
  const caveat = adjustmentsUnpublished(check.suggestion) ? `（${check.suggestion.slice(0, 4)}年的调休安排还没公布，改期前请确认那天不放假）` : "";
  return `🗓 ${community} ${when}的联席会议在${check.name}假期中。建议改到最近的工作日 ${formatDay(check.suggestion)}${caveat}。\n同意请点「改期」或发送：/会议 改期 ${day} ${check.suggestion}`;
}
