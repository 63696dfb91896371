/** How an activity reads in replies and lists. */
import type { ActivityRow } from "../../db/activity-values.ts";
import type { SchoolInfo } from "../core/recognize.ts";
import { schoolName } from "../core/support.ts";
import { VISIT_KINDS } from "../../core/direction.ts";
import { toDay } from "../../core/dates.ts";

export type { ActivityRow };

const shortName = (schools: readonly SchoolInfo[], id: number | null | undefined): string | undefined => {
  const s = schools.find((x) => x.id === id);
  return s ? (s.shortNames[0] ?? s.fullName) : undefined;
};

/** What the giver did for the receivers, in the words schools use (visits: core/direction.ts). */
const DIRECTION_WORD: Readonly<Record<string, string>> = {
  示范课: "送教",
  专题讲座: "送教",
  集体备课: "送教",
  教研活动: "送教",
  同课异构: "送教",
  教学比武: "送教",
  物资援助: "援助",
  教师交流: "交流",
};

type Directed = Pick<ActivityRow, "kind" | "givingSchoolId" | "receiverSchoolIds" | "hostSchoolId">;

const heldAtReceiver = (a: Directed) => a.hostSchoolId !== null && a.receiverSchoolIds.includes(a.hostSchoolId);

/**
 * "县实小 → 青龙沟 送教", or "县实小 校内" when no other school received it. 送教 means at the
 * receiving school (seed 002 "到对口学校"), as progress counts it; so does 赴对方听课 (the
 * visitor at the school it visits). Held anywhere else, the line says where instead, so the
 * reply never reads 主办 X with a visit to somewhere else, nor promises what /进度 will not count.
 */
export function directionText(a: Directed, schools: readonly SchoolInfo[]): string | undefined {
  const giver = shortName(schools, a.givingSchoolId);
  if (!giver) return undefined;
  const receivers = a.receiverSchoolIds.map((id) => shortName(schools, id)).filter(Boolean);
  if (receivers.length === 0) return `${giver} 校内`;
  const visit = VISIT_KINDS[a.kind];
  const word = visit?.went ?? DIRECTION_WORD[a.kind] ?? "交流";
  if ((visit || word === "送教") && !heldAtReceiver(a)) return `${giver} → ${receivers.join("、")}（在${shortName(schools, a.hostSchoolId) ?? "别处"}举行，不算${word}）`;
  if (visit) return `${giver} → ${receivers.join("、")} ${word}（${giver}是${visit.role}）`;
  return `${giver} → ${receivers.join("、")} ${word}`;
}

/** For a visit: how to say it the other way round (the visited school came to the visitor). */
function reverseHint(a: ActivityRow, schools: readonly SchoolInfo[]): string | undefined {
  if (!VISIT_KINDS[a.kind] || !heldAtReceiver(a) || a.receiverSchoolIds.length !== 1) return undefined;
  const [visitor, visited] = [shortName(schools, a.givingSchoolId), shortName(schools, a.hostSchoolId)];
  if (!visitor || !visited) return undefined;
  return `反了？是${visited}到${visitor}的话，发 /修改 ${a.number} ${visited}到${visitor}`;
}

export function activityDetails(a: ActivityRow, schools: readonly SchoolInfo[]): string[] {
  const lines = [`类型：${a.kind}`, `日期：${toDay(a.date)}`];
  const direction = directionText(a, schools);
  if (direction) lines.push(`方向：${direction}`);
  const host = schoolName(schools, a.hostSchoolId);
  if (host) lines.push(`主办：${host}`);
  const others = a.schoolIds.map((id) => schoolName(schools, id)).filter(Boolean);
  if (others.length) lines.push(`参与：${others.join("、")}`);
  if (a.subject) lines.push(`学科：${a.subject}`);
  if (a.title) lines.push(`课题：《${a.title}》`);
  if (a.people.length) lines.push(`主讲：${a.people.join("、")}`);
  if (a.headcount !== null) lines.push(`人数：${a.headcount}人`);
  if (a.notes) lines.push(`备注：${a.notes}`);
  const hint = reverseHint(a, schools);
  if (hint) lines.push(hint);
  return lines;
}

export function activityLine(a: ActivityRow & { confirmedAt?: Date | null }, schools: readonly SchoolInfo[]): string {
  // Giver → receivers only: the direction's words (送教, 不算送教…) are for the record's own reply.
  const giver = shortName(schools, a.givingSchoolId);
  const receivers = a.receiverSchoolIds.map((id) => shortName(schools, id)).filter(Boolean);
  const direction = giver && receivers.length > 0 ? `${giver} → ${receivers.join("、")}` : undefined;
  const host = shortName(schools, a.hostSchoolId) ?? "";
  const bits = [toDay(a.date), direction ? `${a.kind} ${direction}` : `${a.kind} ${host}`.trim(), a.subject ?? "", a.title ? `《${a.title}》` : ""].filter(Boolean);
  return `#${a.number} ${bits.join(" ")}${a.confirmedAt ? " ✔" : ""}`;
}
