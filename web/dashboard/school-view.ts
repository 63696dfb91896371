/** One school's page: its targets as /进度 学校名 counts them, then its records with their photos. */
import type { ProgressReport, SchoolStanding } from "../../core/progress.ts";
import { scopeWhere, targetLabel } from "../../core/progress-text.ts";
import type { RecordRow } from "../../db/dashboard.ts";
import { esc } from "../forms/html.ts";
import { statusMark } from "./layout.ts";

export interface SchoolPageData {
  communityId: number;
  communityName: string;
  report: ProgressReport;
  standing: SchoolStanding;
  records: (RecordRow & { photoUrls: string[] })[];
}

function names(report: ProgressReport, ids: readonly number[]): string {
  return ids
    .map((id) => report.schools.find((s) => s.school.id === id)?.school.name ?? "")
    .filter(Boolean)
    .join("、");
}

function recordItem(d: SchoolPageData, a: SchoolPageData["records"][number]): string {
  const planned = a.date > d.report.today ? "（计划）" : "";
  const where =
    a.givingSchoolId !== null && a.receiverSchoolIds.length > 0
      ? `${names(d.report, [a.givingSchoolId])} → ${names(d.report, a.receiverSchoolIds)}`
      : names(d.report, a.hostSchoolId === null ? a.schoolIds : [a.hostSchoolId]);
  const bits = [a.subject, a.title && `《${a.title}》`, a.people.length ? a.people.join("、") : null, a.headcount ? `${a.headcount}人` : null].filter(Boolean) as string[];
  const photos = a.photoUrls.length
    ? `<div class="photos">${a.photoUrls.map((u, i) => `<a href="${esc(u)}"><img src="${esc(u)}" alt="记录 #${a.number} 的照片 ${i + 1}" loading="lazy"></a>`).join("")}</div>`
    : "";
  return `<li><strong><a href="/community/${d.communityId}/record/${a.number}">#${a.number}</a> ${esc(a.date)} ${esc(a.kind)}${a.confirmed ? " ✔" : ""}</strong>${esc(planned)} ${esc(where)}${bits.length ? ` · ${esc(bits.join(" · "))}` : ""}${a.notes ? `<br><span class="muted">备注：${esc(a.notes)}</span>` : ""}${photos}</li>`;
}

export function schoolBody(d: SchoolPageData): string {
  const s = d.standing;
  const rows = s.items.map(
    (i) =>
      `<tr><td>${esc(targetLabel(i))}</td><td>${esc(scopeWhere(d.report, i.scope, s.school.id) || "本校")}</td><td class="num">${i.done} / ${i.min}${i.planned ? `（另有 ${i.planned} 项计划）` : ""}</td><td>${statusMark(i.met ? "met" : "behind")}</td></tr>`,
  );
  const records = d.records.length ? `<ul class="plain">${d.records.map((a) => recordItem(d, a)).join("")}</ul>` : '<p class="muted">本学期还没有这所学校的记录。</p>';
  return `<p><a href="/community/${d.communityId}">← ${esc(d.communityName)}</a></p><h1>${esc(s.school.fullName)}</h1>
<p class="sub">${esc(d.report.term.name)} · 截至 ${esc(d.report.today)} · 还差 ${s.behind} 项，已达标 ${s.met} 项</p>
<div class="card"><h2>目标</h2><div class="scroll"><table><thead><tr><th scope="col">目标</th><th scope="col">方向</th><th class="num" scope="col">完成 / 目标</th><th scope="col">状态</th></tr></thead><tbody>${rows.join("")}</tbody></table></div></div>
<div class="card"><h2>记录（${d.records.length}）</h2>${records}</div>`;
}
