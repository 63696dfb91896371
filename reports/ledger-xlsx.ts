/**
 * The activity ledger (台账) as an .xlsx, streamed: activities, mentor pairs and, for admins,
 * the audit log; a district workbook has one activity sheet per community and a summary first.
 */
import type { Writable } from "node:stream";
import ExcelJS from "exceljs";
import { DateTime } from "luxon";
import type { ProgressItem, ProgressReport } from "../core/progress.ts";
import { DISTRICT_TIMEZONE } from "../core/digest/district.ts";
import { scopeWhere } from "../core/progress-text.ts";
import type { Ledger, LedgerActionItem, LedgerActivity, LedgerAudit, LedgerMeeting, LedgerPair } from "../db/ledger.ts";
import { addTable, sheetName, type Column } from "./xlsx-table.ts";
import { fromDay } from "../core/dates.ts";

/** Turns an activity's stored photos into one link that shows them (signed, expiring); none when photos cannot be linked. */
export type PhotoLink = (communityId: number, fileNames: readonly string[]) => string | undefined;

const list = (xs: readonly string[]) => xs.join("、");

export function activityColumns(communityId: number, photoLink: PhotoLink): Column<LedgerActivity>[] {
  return [
    { header: "序号", value: (a) => a.number },
    { header: "日期", value: (a) => fromDay(a.date), type: "date" },
    { header: "状态", value: (a) => (a.planned ? "计划" : "已开展") },
    { header: "类型", value: (a) => a.kind },
    { header: "课题/主题", value: (a) => a.title },
    { header: "给出校 → 接收校", value: (a) => (a.givingSchool ? `${a.givingSchool} ${a.receivers.length ? `→ ${list(a.receivers)}` : "校内"}` : null) },
    { header: "主办校", value: (a) => a.hostSchool },
    { header: "参与校", value: (a) => list(a.schools) || null },
    { header: "主讲/执教", value: (a) => list(a.people) || null },
    { header: "学科", value: (a) => a.subject },
    { header: "人数", value: (a) => a.headcount },
    { header: "登记人", value: (a) => a.recorder },
    { header: "确认", value: (a) => (a.confirmedBy ? `已确认（${a.confirmedBy}）` : null) },
    { header: "备注", value: (a) => a.notes },
    {
      header: "照片",
      value: (a) => {
        if (a.photos.length === 0) return null;
        const link = photoLink(communityId, a.photos);
        return link ? { text: `照片（${a.photos.length}张）`, hyperlink: link } : `${a.photos.length}张`;
      },
    },
  ];
}

const PAIR_COLUMNS: Column<LedgerPair>[] = [
  { header: "导师", value: (p) => p.mentor },
  { header: "导师学校", value: (p) => p.mentorSchool },
  { header: "徒弟", value: (p) => p.mentee },
  { header: "徒弟学校", value: (p) => p.menteeSchool },
  { header: "学科", value: (p) => p.subject },
  { header: "学期", value: (p) => p.term },
  // Counted as /进度 counts a pair: a record linked to it or naming both mentor and mentee.
  { header: "结对活动（已开展）", value: (p) => p.activities },
  { header: "结对活动（计划中）", value: (p) => p.planned },
];

function progressColumns(report: ProgressReport): Column<ProgressItem>[] {
  const names = (ids: readonly number[]) =>
    ids
      .map((id) => report.schools.find((s) => s.school.id === id)?.school.fullName ?? "")
      .filter(Boolean)
      .join("、");
  return [
    { header: "目标", value: (i) => i.target.label ?? i.target.kind },
    { header: "范围", value: (i) => scopeWhere(report, i.scope) },
    { header: "计入学校", value: (i) => names(i.accountable) || null },
    { header: "要求", value: (i) => i.min },
    { header: "已完成", value: (i) => i.done },
    { header: "计划中", value: (i) => i.planned },
    { header: "还差", value: (i) => i.remaining },
    { header: "达标", value: (i) => (i.met ? "已达标" : "未达标") },
  ];
}

const meetingColumns = (zone: string): Column<LedgerMeeting>[] => [
  { header: "会议时间", value: (m) => wallClock(m.startsAt, zone), type: "datetime" },
  { header: "地点", value: (m) => m.place },
  { header: "议程", value: (m) => m.agenda },
  { header: "状态", value: (m) => (m.cancelled ? "已取消" : m.minutes ? "已记纪要" : "未记纪要") },
  { header: "签到学校", value: (m) => list(m.checkedIn) || null },
  { header: "纪要", value: (m) => m.minutes },
];

const itemColumns = (zone: string): Column<LedgerActionItem>[] => [
  { header: "编号", value: (i) => i.number },
  { header: "会议时间", value: (i) => wallClock(i.meetingAt, zone), type: "datetime" },
  { header: "负责人", value: (i) => i.owner },
  { header: "事项", value: (i) => i.task },
  { header: "截止", value: (i) => (i.due ? fromDay(i.due) : null), type: "date" },
  { header: "完成", value: (i) => (i.doneAt ? wallClock(i.doneAt, zone) : null), type: "datetime" },
];

const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));
const ACTIONS: Readonly<Record<string, string>> = {
  create: "新建",
  update: "修改",
  revoke: "撤销",
  confirm: "确认",
  delete: "删除",
  set: "设置",
  bind: "绑定群",
  link: "关联账号",
  join: "加入",
  leave: "退出",
  done: "完成",
  cancel: "取消",
  move: "改期",
  checkin: "签到",
  minutes: "纪要",
};
const ENTITIES: Readonly<Record<string, string>> = {
  activity: "活动",
  community: "共同体",
  school: "学校",
  member: "成员",
  chat: "群",
  pair: "师徒结对",
  target: "目标",
  term: "学期",
  meetingRule: "会议规则",
  meeting: "会议",
  actionItem: "待办",
  holiday: "假期",
  pushTarget: "推送群",
  district: "区县",
  settings: "设置",
};

/**
 * Excel has no time zones: an instant is written as the community's wall-clock time (a UTC date
 * carrying those digits), so 09:00 in Beijing reads 09:00, not 01:00.
 */
export function wallClock(at: Date, zone: string): Date {
  const t = DateTime.fromJSDate(at).setZone(zone);
  return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
}

function auditColumns(zone: string): Column<LedgerAudit>[] {
  return [
    { header: "时间", value: (a) => wallClock(a.at, zone), type: "datetime" },
    { header: "操作人", value: (a) => a.actor },
    { header: "动作", value: (a) => ACTIONS[a.action] ?? a.action },
    { header: "对象", value: (a) => ENTITIES[a.entity] ?? a.entity },
    { header: "编号", value: (a) => a.entityId },
    { header: "修改前", value: (a) => json(a.before) },
    { header: "修改后", value: (a) => json(a.after) },
  ];
}

function writer(out: Writable): ExcelJS.stream.xlsx.WorkbookWriter {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = "教联体助手";
  return workbook;
}

/** Sheets: activities, progress against targets (when known), mentor pairs, meetings and action items, audit (admins). */
export async function writeLedger(out: Writable, ledger: Ledger, photoLink: PhotoLink, progress: ProgressReport | null): Promise<void> {
  const workbook = writer(out);
  addTable(workbook, "活动台账", activityColumns(ledger.community.id, photoLink), ledger.activities);
  if (progress) addTable(workbook, "目标进度", progressColumns(progress), progress.items);
  addTable(workbook, "师徒结对", PAIR_COLUMNS, ledger.pairs);
  addTable(workbook, "联席会议", meetingColumns(ledger.community.timezone), ledger.meetings);
  addTable(workbook, "待办事项", itemColumns(ledger.community.timezone), ledger.actionItems);
  if (ledger.audit) addTable(workbook, "审计日志", auditColumns(ledger.community.timezone), ledger.audit);
  await workbook.commit();
}

export interface DistrictRow {
  community: string;
  schools: number;
  activities: number;
  lastActivity: string | null;
  met: number;
  total: number;
  holdingBack: string | null;
  nextMeeting: Date | null;
}

const SUMMARY_COLUMNS: Column<DistrictRow>[] = [
  { header: "共同体", value: (r) => r.community },
  { header: "学校数", value: (r) => r.schools },
  { header: "活动数", value: (r) => r.activities },
  { header: "最近活动", value: (r) => (r.lastActivity ? fromDay(r.lastActivity) : null), type: "date" },
  { header: "目标达成", value: (r) => `${r.met}/${r.total}` },
  { header: "拖后腿的学校", value: (r) => r.holdingBack },
  // Beijing wall clock: a 07:30 meeting is still the 12th in the sheet (as a UTC date it read the 11th).
  { header: "下次联席会议", value: (r) => (r.nextMeeting ? wallClock(r.nextMeeting, DISTRICT_TIMEZONE) : null), type: "datetime" },
];

/**
 * One workbook for a district: the summary sheet, then a sheet per community. Ledgers are loaded
 * one at a time (`next`), so memory holds one community, never the district.
 */
export async function writeDistrictLedger(out: Writable, summary: readonly DistrictRow[], ledgers: AsyncIterable<Ledger>, photoLink: PhotoLink): Promise<void> {
  const workbook = writer(out);
  const taken = new Set(["汇总"]);
  addTable(workbook, "汇总", SUMMARY_COLUMNS, summary);
  for await (const ledger of ledgers) addTable(workbook, sheetName(ledger.community.name, taken), activityColumns(ledger.community.id, photoLink), ledger.activities);
  await workbook.commit();
}
