/** How an activity reads in replies and lists. */
import type { ActivityRow } from "../db/activity-values.ts";
import type { SchoolInfo } from "./recognize.ts";
import { dbToDay, schoolName } from "./support.ts";

export type { ActivityRow };

export function activityDetails(a: ActivityRow, schools: readonly SchoolInfo[]): string[] {
  const lines = [`类型：${a.kind}`, `日期：${dbToDay(a.date)}`];
  const host = schoolName(schools, a.hostSchoolId);
  if (host) lines.push(`主办：${host}`);
  const others = a.schoolIds.map((id) => schoolName(schools, id)).filter(Boolean);
  if (others.length) lines.push(`参与：${others.join("、")}`);
  if (a.subject) lines.push(`学科：${a.subject}`);
  if (a.title) lines.push(`课题：《${a.title}》`);
  if (a.people.length) lines.push(`主讲：${a.people.join("、")}`);
  if (a.headcount !== null) lines.push(`人数：${a.headcount}人`);
  if (a.notes) lines.push(`备注：${a.notes}`);
  return lines;
}

export function activityLine(a: ActivityRow & { confirmedAt?: Date | null }, schools: readonly SchoolInfo[]): string {
  const host = schools.find((s) => s.id === a.hostSchoolId);
  const where = host ? (host.shortNames[0] ?? host.fullName) : "";
  const bits = [dbToDay(a.date), a.kind, where, a.subject ?? "", a.title ? `《${a.title}》` : ""].filter(Boolean);
  return `#${a.number} ${bits.join(" ")}${a.confirmedAt ? " ✔" : ""}`;
}
