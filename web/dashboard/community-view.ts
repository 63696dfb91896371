/**
 * A community's page: its bundled standing (捆绑考核) as /进度 computes it, a chart, each school
 * and each directed pair, mentor pairs, what is planned, the next meetings and open action items.
 * A principal's own school comes first and is marked.
 */
import type { ProgressItem, ProgressReport, SchoolStanding } from "../../core/progress.ts";
import { holdingBackText, scopeWhere, targetLabel } from "../../core/progress-text.ts";
import type { StandingStatus } from "../../core/standing-status.ts";
import { esc } from "../forms/html.ts";
import { progressBar, statusMark } from "./layout.ts";

export interface CommunityPageData {
  id: number;
  name: string;
  report: ProgressReport;
  status: StandingStatus;
  ownSchoolId: number | null;
  chartSvg: string;
  meetings: { startsAt: string; place: string | null; agenda: string | null }[];
  actionItems: { number: number; task: string; ownerName: string | null; due: string | null }[];
  /** Where the back link goes for a bureau inspector. */
  districtId?: number;
}

const cell = (s: string) => `<td>${esc(s)}</td>`;

function itemRow(report: ProgressReport, i: ProgressItem): string {
  const planned = i.planned > 0 ? `（另有 ${i.planned} 项计划）` : "";
  // Figures before the direction: on a phone the first columns are what shows without scrolling.
  return `<tr>${cell(targetLabel(i))}<td class="num">${i.done} / ${i.min}${esc(planned)}</td><td>${statusMark(i.met ? "met" : "behind")}</td>${cell(scopeWhere(report, i.scope))}</tr>`;
}

function schoolRow(c: CommunityPageData, s: SchoolStanding): string {
  const mine = s.school.id === c.ownSchoolId;
  const behind = s.items
    .filter((i) => !i.met)
    .slice(0, 3)
    .map((i) => `${targetLabel(i)} ${scopeWhere(c.report, i.scope, s.school.id)}`.trim());
  const mark = s.items.length === 0 ? '<span class="muted">无目标</span>' : statusMark(s.behind === 0 ? "met" : "behind");
  return `<tr${mine ? ' class="mine"' : ""}><td class="name"><a href="/community/${c.id}/school/${s.school.id}">${esc(s.school.fullName)}</a>${mine ? "（我校）" : ""}</td>
<td class="num">${s.met} / ${s.items.length}</td><td>${mark}</td><td>${esc(behind.join("、"))}${s.behind > 3 ? " 等" : ""}</td></tr>`;
}

function table(head: string[], rows: string[], numCols: number[] = []): string {
  const th = head.map((h, i) => `<th${numCols.includes(i) ? ' class="num"' : ""} scope="col">${esc(h)}</th>`).join("");
  return `<div class="scroll"><table><thead><tr>${th}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

/** A member's own school, first on the page (a principal reads it before the community's): its standing, what it lacks, its records. */
function ownSchoolCard(c: CommunityPageData): string {
  const s = c.report.schools.find((x) => x.school.id === c.ownSchoolId);
  if (!s) return "";
  const behind = s.items.filter((i) => !i.met).map((i) => `${targetLabel(i)} ${scopeWhere(c.report, i.scope, s.school.id)}（${i.done} / ${i.min}）`.trim());
  const lacks = s.items.length === 0 ? "本校没有目标。" : behind.length === 0 ? "本校的目标全部达标 🎉" : `还差：${behind.slice(0, 5).join("、")}${behind.length > 5 ? ` 等 ${behind.length} 项` : ""}`;
  return `<div class="card mine"><h2>我校：${esc(s.school.fullName)}</h2><div class="big">${s.met} / ${s.items.length}</div><div>项目标已达成</div>${progressBar(s.met, s.items.length)}
<p>${esc(lacks)}</p><p><a href="/community/${c.id}/school/${s.school.id}">本校的记录和照片</a></p></div>`;
}

/** The target cards under the schools' table, in this order: scope, heading, the scope's column. */
const SCOPE_CARDS = [
  ["pair", "校际送教与交流", "方向"],
  ["community", "共同体整体", "范围"],
  ["mentor", "师徒结对", "结对"],
] as const;

/** One card of a scope's targets; nothing when the scope has none. */
function itemsCard(r: ProgressReport, title: string, column: string, items: readonly ProgressItem[]): string {
  if (items.length === 0) return "";
  return `<div class="card"><h2>${title}</h2>${table(
    ["目标", "完成 / 目标", "状态", column],
    items.map((i) => itemRow(r, i)),
    [1],
  )}</div>`;
}

export function communityBody(c: CommunityPageData): string {
  const r = c.report;
  const { total, met, holdingBack } = r.community;
  const schools = [...r.schools].sort((a, b) => Number(b.school.id === c.ownSchoolId) - Number(a.school.id === c.ownSchoolId));
  const back = c.districtId ? `<p><a href="/district/${c.districtId}">← 返回区县总览</a></p>` : "";
  const standing = `<div class="card"><h2>捆绑考核</h2><div class="big">${met} / ${total}</div><div>项目标已达成 ${statusMark(c.status)}</div>${progressBar(met, total)}
<p>${holdingBack && holdingBack.behind > 0 ? `拖后腿的是 ${esc(holdingBackText(holdingBack))}` : total > 0 ? "全部达标 🎉" : "还没有目标"}；${esc(r.term.name)}剩 ${r.weeksLeft} 周${r.plannedActivities > 0 ? `；另有 ${r.plannedActivities} 项计划中的活动（到日子才计入）` : ""}。</p></div>`;
  const meetings = c.meetings.length
    ? `<ul class="plain">${c.meetings.map((m) => `<li>${esc(m.startsAt)}${m.place ? ` · ${esc(m.place)}` : ""}${m.agenda ? ` · ${esc(m.agenda)}` : ""}</li>`).join("")}</ul>`
    : '<p class="muted">近两个月没有安排的会议。</p>';
  const actions = c.actionItems.length
    ? `<ul class="plain">${c.actionItems.map((a) => `<li>#${a.number} ${esc(a.task)}${a.ownerName ? `（${esc(a.ownerName)}）` : ""}${a.due ? ` · ${esc(a.due)}前` : ""}</li>`).join("")}</ul>`
    : '<p class="muted">没有未完成的待办。</p>';
  return `${back}<h1>${esc(c.name)}</h1><p class="sub">${esc(r.term.name)} · 截至 ${esc(r.today)}</p>
${ownSchoolCard(c)}<div class="grid two">${standing}<div class="card chart"><h2>还差的目标</h2>${c.chartSvg}</div></div>
<div class="card"><h2>各校进度</h2>${table(
    ["学校", "已达标", "状态", "还差"],
    schools.map((s) => schoolRow(c, s)),
    [1],
  )}</div>
${SCOPE_CARDS.map(([scope, title, column]) =>
  itemsCard(
    r,
    title,
    column,
    r.items.filter((i) => i.scope.type === scope),
  ),
).join("\n")}
<div class="grid two"><div class="card"><h2>接下来的会议</h2>${meetings}</div><div class="card"><h2>未完成的待办</h2>${actions}</div></div>`;
}
