/** Loading what each signed-in page shows: the same progress function and queries the chat uses. */
import { DateTime } from "luxon";
import { chartRows } from "../../core/digest/chart-rows.ts";
import { DISTRICT_TIMEZONE } from "../../core/digest/district.ts";
import { daysBetween, todayIn, fromDay, toDay } from "../../core/dates.ts";
import { standingStatus } from "../../core/standing-status.ts";
import { defaultTermFor, termWeeks, type Term } from "../../core/terms.ts";
import type { Db } from "../../db/client.ts";
import { districtActivityDays, openActionItems, schoolRecords } from "../../db/dashboard.ts";
import { districtStandings } from "../../db/district-standing.ts";
import { scheduleBetween } from "../../db/meetings.ts";
import { progressReportOf } from "../../db/progress-report.ts";
import type { FormSettings } from "../../commands/core/types.ts";
import { photoBindingFor, photoUrl } from "../forms/photo-link.ts";
import type { CommunityPageData } from "./community-view.ts";
import type { DistrictRow } from "./district-view.ts";
import type { SchoolPageData } from "./school-view.ts";

/** ECharts and its SVG renderer add seconds to a start-up; most processes never draw a chart. */
const charts = () => import("../../reports/progress-chart.ts");
const weekly = () => import("../../reports/weekly-chart.ts");
const MEETINGS_AHEAD_MS = 62 * 86_400_000;

export async function loadCommunityPage(db: Db, communityId: number, ownSchoolId: number | null, now: Date): Promise<CommunityPageData | null> {
  const c = await db.community.findUnique({ where: { id: communityId }, select: { id: true, name: true, timezone: true, districtId: true } });
  if (!c) return null;
  const report = await progressReportOf(db, c.id, now);
  const [meetings, actions, last] = await Promise.all([
    scheduleBetween(db, c, now, new Date(now.getTime() + MEETINGS_AHEAD_MS)),
    openActionItems(db, c.id),
    db.activity.findFirst({ where: { communityId: c.id, revokedAt: null, date: { lte: fromDay(report.today) } }, orderBy: { date: "desc" }, select: { date: true } }),
  ]);
  const { MAX_CHART_ROWS, progressChartSvg } = await charts();
  const rows = chartRows(report, MAX_CHART_ROWS);
  const chartSvg = rows.length ? progressChartSvg({ title: `${c.name}`, subtitle: `${report.term.name}，剩 ${report.weeksLeft} 周；完成 / 目标`, rows }) : '<p class="muted">还没有目标。</p>';
  const wall = (d: Date) => DateTime.fromJSDate(d, { zone: c.timezone }).toFormat("M月d日 HH:mm");
  return {
    id: c.id,
    name: c.name,
    report,
    status: standingStatus({ met: report.community.met, total: report.community.total, lastActivity: last ? toDay(last.date) : null }, report.term, report.today),
    ownSchoolId,
    chartSvg,
    meetings: meetings
      .filter((m) => !m.cancelled)
      .slice(0, 5)
      .map((m) => ({ startsAt: wall(m.startsAt), place: m.place ?? null, agenda: m.agenda ?? null })),
    actionItems: actions.map((a) => ({ number: a.number, task: a.task, ownerName: a.ownerName, due: a.due ? toDay(a.due) : null })),
  };
}

/** `viewerPlatform`: the signed-in account's; the records' photo links are bound to sign-in on that platform (a copied link opens for nobody else). */
export async function loadSchoolPage(db: Db, forms: FormSettings, communityId: number, schoolId: number, now: Date, viewerPlatform?: string): Promise<SchoolPageData | null> {
  const c = await db.community.findUnique({ where: { id: communityId }, select: { name: true } });
  if (!c) return null;
  const report = await progressReportOf(db, communityId, now);
  const standing = report.schools.find((s) => s.school.id === schoolId);
  if (!standing) return null;
  const records = await schoolRecords(db, communityId, schoolId, { from: report.term.start, to: report.term.end });
  const exp = now.getTime() + forms.ttlMs;
  return {
    communityId,
    communityName: c.name,
    report,
    standing,
    records: records.map((r) => ({ ...r, photoUrls: r.photos.map((f) => photoUrl(forms, communityId, [f], exp, photoBindingFor(viewerPlatform))) })),
  };
}

export interface DistrictLoad {
  name: string;
  term: Term;
  today: string;
  rows: DistrictRow[];
  chartSvg: string;
}

function weekBars(term: Term, today: string, days: readonly { date: string; count: number }[]) {
  const { total } = termWeeks(term, today);
  const counts = Array.from({ length: total }, () => 0);
  for (const d of days) {
    if (d.date > today) continue;
    const i = Math.floor(daysBetween(term.start, d.date) / 7);
    if (i >= 0 && i < total) counts[i] = (counts[i] ?? 0) + d.count;
  }
  return counts.map((count, i) => ({ label: `第${i + 1}周`, count }));
}

export async function loadDistrictPage(db: Db, districtId: number, now: Date): Promise<DistrictLoad | null> {
  const district = await db.district.findUnique({ where: { id: districtId }, select: { name: true } });
  if (!district) return null;
  const today = todayIn(now, DISTRICT_TIMEZONE);
  const term = defaultTermFor(today);
  const range = { from: term.start, to: term.end };
  const [standings, days] = await Promise.all([districtStandings(db, districtId, range, now, { meetings: false }), districtActivityDays(db, districtId, range)]);
  const rows = standings.map((s) => ({
    id: s.id,
    name: s.name,
    schools: s.schools,
    activities: s.activities,
    lastActivity: s.lastActivity,
    met: s.met,
    total: s.total,
    holdingBack: s.holdingBack,
    status: standingStatus({ met: s.met, total: s.total, lastActivity: s.lastActivity }, s.term, today),
  }));
  const { weeklyChartSvg } = await weekly();
  return { name: district.name, term, today, rows, chartSvg: weeklyChartSvg(weekBars(term, today, days)) };
}
