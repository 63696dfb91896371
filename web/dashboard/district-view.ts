/**
 * A bureau's page: every community of the district in one table with a traffic light, sortable
 * and filterable by links and a GET form (no script needed), the district's term as a chart, and
 * the district workbook.
 */
import type { StandingStatus } from "../../core/standing-status.ts";
import type { DistrictStanding } from "../../db/district-standing.ts";
import { esc } from "../forms/html.ts";
import { statusMark } from "./layout.ts";

/** A community's standing as the district workbook and /区县 进度 read it, plus its traffic light. */
export interface DistrictRow extends Omit<DistrictStanding, "nextMeeting" | "term"> {
  status: StandingStatus;
}

export type DistrictSort = "name" | "progress" | "activities" | "last" | "status";
export const DISTRICT_SORTS: readonly DistrictSort[] = ["name", "progress", "activities", "last", "status"];

const STATUS_ORDER: Record<StandingStatus, number> = { idle: 0, behind: 1, ok: 2, met: 3 };
const share = (r: DistrictRow) => (r.total === 0 ? 1 : r.met / r.total);

export function sortDistrictRows(rows: readonly DistrictRow[], sort: DistrictSort, desc: boolean): DistrictRow[] {
  const by: Record<DistrictSort, (a: DistrictRow, b: DistrictRow) => number> = {
    name: (a, b) => a.name.localeCompare(b.name, "zh-CN"),
    progress: (a, b) => share(a) - share(b),
    activities: (a, b) => a.activities - b.activities,
    last: (a, b) => (a.lastActivity ?? "").localeCompare(b.lastActivity ?? ""),
    status: (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status],
  };
  const sorted = [...rows].sort((a, b) => by[sort](a, b) || a.name.localeCompare(b.name, "zh-CN"));
  return desc ? sorted.reverse() : sorted;
}

export interface DistrictPageData {
  id: number;
  name: string;
  termName: string;
  today: string;
  rows: DistrictRow[];
  shownRows: DistrictRow[];
  sort: DistrictSort;
  desc: boolean;
  q: string;
  status: StandingStatus | "";
  chartSvg: string;
  workbookUrl: string | null;
}

const HEADS: { key: DistrictSort; label: string; num?: boolean }[] = [
  { key: "name", label: "共同体" },
  { key: "status", label: "状态" },
  { key: "progress", label: "目标达成", num: true },
  { key: "activities", label: "本学期活动", num: true },
  { key: "last", label: "最近活动" },
];

function headLink(d: DistrictPageData, h: (typeof HEADS)[number]): string {
  const desc = d.sort === h.key ? !d.desc : false;
  const q = new URLSearchParams({ sort: h.key, ...(desc ? { dir: "desc" } : {}), ...(d.q ? { q: d.q } : {}), ...(d.status ? { status: d.status } : {}) });
  const arrow = d.sort === h.key ? (d.desc ? " ↓" : " ↑") : "";
  const aria = d.sort === h.key ? ` aria-sort="${d.desc ? "descending" : "ascending"}"` : "";
  return `<th scope="col"${h.num ? ' class="num"' : ""}${aria}><a href="?${esc(q.toString())}">${esc(h.label)}${arrow}</a></th>`;
}

export function districtBody(d: DistrictPageData): string {
  const count = (s: StandingStatus) => d.rows.filter((r) => r.status === s).length;
  const rows = d.shownRows.map(
    (r) =>
      `<tr><td class="name"><a href="/community/${r.id}">${esc(r.name)}</a></td><td>${statusMark(r.status)}</td><td class="num">${r.met} / ${r.total}</td><td class="num">${r.activities}</td><td>${esc(r.lastActivity ?? "无")}</td><td>${esc(r.holdingBack ?? "")}</td></tr>`,
  );
  const option = (v: string, label: string) => `<option value="${v}"${d.status === v ? " selected" : ""}>${label}</option>`;
  return `<h1>${esc(d.name)}</h1><p class="sub">${esc(d.termName)} · 截至 ${esc(d.today)} · ${d.rows.length} 个共同体：正常 ${count("ok")}、全部达标 ${count("met")}、落后 ${count("behind")}、两周无活动 ${count("idle")}</p>
<div class="card chart"><h2>全区本学期每周活动</h2>${d.chartSvg}</div>
<div class="card"><h2>各共同体</h2>
<form class="filter" method="get"><label for="q" class="muted">名称</label><input id="q" name="q" value="${esc(d.q)}" placeholder="输入共同体名称">
<label for="status" class="muted">状态</label><select id="status" name="status">${option("", "全部")}${option("behind", "落后")}${option("idle", "两周无活动")}${option("ok", "正常")}${option("met", "全部达标")}</select>
<input type="hidden" name="sort" value="${d.sort}">${d.desc ? '<input type="hidden" name="dir" value="desc">' : ""}<button type="submit">筛选</button>
${d.workbookUrl ? `<a class="btn" href="${esc(d.workbookUrl)}">下载区县台账</a>` : ""}</form>
<div class="scroll"><table><thead><tr>${HEADS.map((h) => headLink(d, h)).join("")}<th scope="col">拖后腿的学校</th></tr></thead><tbody>${rows.join("") || '<tr><td colspan="6" class="muted">没有符合条件的共同体。</td></tr>'}</tbody></table></div></div>`;
}
