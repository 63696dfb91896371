/**
 * The district's weekly digest (区县版周报): what a bureau reads on Monday about all the
 * communities that joined it. The same week as a community's digest (the seven days before
 * today), then where bundled assessment is at risk, who went quiet, and the coming week's joint
 * meetings. Lists are capped: the whole table is one command away (/区县 进度). Pure.
 */
import { addDays, daysBetween } from "../dates.ts";
import { formatDay, formatWhen } from "../meetings/compose.ts";
import type { Section } from "./pack.ts";

/** One community as the district digest sees it. */
export interface DistrictDigestRow {
  name: string;
  /** Activities this term, and last week (the seven days before today). */
  termActivities: number;
  weekActivities: number;
  /** YYYY-MM-DD of its latest activity this term. */
  lastActivity: string | null;
  met: number;
  total: number;
  holdingBack: string | null;
  nextMeeting: Date | null;
}

export interface DistrictDigestInput {
  district: string;
  termName: string;
  /** YYYY-MM-DD in the district's timezone. */
  today: string;
  timezone: string;
  communities: readonly DistrictDigestRow[];
}

/** Districts have no timezone of their own: Chinese bureaus work on Beijing time. */
export const DISTRICT_TIMEZONE = "Asia/Shanghai";
/** A community this long without a recorded activity is named as quiet. */
export const QUIET_DAYS = 14;
/** At most this many names per list; the rest are counted. */
export const LIST_CAP = 10;
const WEEK_MS = 7 * 86_400_000;

function capped(lines: string[], more: (n: number) => string): string[] {
  return lines.length <= LIST_CAP ? lines : [...lines.slice(0, LIST_CAP), more(lines.length - LIST_CAP)];
}

export function composeDistrictDigest(input: DistrictDigestInput, now: Date): Section[] {
  const { today, communities: rows } = input;
  const weekFrom = addDays(today, -7);
  const head = `📬 ${input.district} 区县周报（${formatDay(weekFrom)}—${formatDay(addDays(today, -1))}）`;
  if (rows.length === 0) return [[head, "还没有共同体加入本区县。请把加入码告诉各共同体管理员（/区县 创建 区县名称 可再次查看）。"]];

  const week = rows.reduce((n, r) => n + r.weekActivities, 0);
  const term = rows.reduce((n, r) => n + r.termActivities, 0);
  const activeThisWeek = rows.filter((r) => r.weekActivities > 0).length;
  const behind = rows.filter((r) => r.total > 0 && r.met < r.total);
  const summary = [
    head,
    `${input.termName}：${rows.length} 个共同体，上周活动 ${week} 次（${activeThisWeek} 个共同体有活动），本学期累计 ${term} 次。`,
    `目标全部达成 ${rows.filter((r) => r.total > 0 && r.met >= r.total).length} 个，尚未达成 ${behind.length} 个${rows.some((r) => r.total === 0) ? `，未设目标 ${rows.filter((r) => r.total === 0).length} 个` : ""}。`,
  ];

  // Furthest behind first: where bundled assessment (捆绑考核) is most at risk.
  const atRisk = [...behind]
    .sort((a, b) => a.met / a.total - b.met / b.total || a.name.localeCompare(b.name))
    .map((r) => `⚠️ ${r.name}：目标 ${r.met}/${r.total}${r.holdingBack ? `，拖后腿：${r.holdingBack}` : ""}`);
  const quiet = rows
    .map((r) => ({ r, idle: r.lastActivity === null ? Number.POSITIVE_INFINITY : daysBetween(r.lastActivity, today) }))
    .filter((x) => x.idle >= QUIET_DAYS)
    .sort((a, b) => b.idle - a.idle || a.r.name.localeCompare(b.r.name))
    .map(({ r, idle }) => (Number.isFinite(idle) ? `💤 ${r.name}：已 ${idle} 天没有活动（最近 ${formatDay(r.lastActivity!)}）` : `💤 ${r.name}：本学期还没有活动`));
  const attention =
    atRisk.length + quiet.length === 0
      ? ["需要关注：无，各共同体目标均已达成、近两周都有活动。"]
      : ["需要关注：", ...capped(atRisk, (n) => `……另有 ${n} 个共同体目标未达成`), ...capped(quiet, (n) => `……另有 ${n} 个共同体两周以上没有活动`)];

  const busiest = rows
    .filter((r) => r.weekActivities > 0)
    .sort((a, b) => b.weekActivities - a.weekActivities || a.name.localeCompare(b.name))
    .slice(0, 5)
    .map((r) => `· ${r.name} ${r.weekActivities} 次`);
  const lastWeek = busiest.length ? ["上周最活跃：", ...busiest] : ["上周各共同体都没有记录活动。"];

  const coming = rows
    .filter((r): r is DistrictDigestRow & { nextMeeting: Date } => r.nextMeeting !== null && r.nextMeeting.getTime() - now.getTime() <= WEEK_MS)
    .sort((a, b) => a.nextMeeting.getTime() - b.nextMeeting.getTime())
    .map((r) => `· ${formatWhen(r.nextMeeting, input.timezone)} ${r.name} 联席会议`);
  const unscheduled = rows.filter((r) => r.nextMeeting === null).length;
  const next = [
    ...(coming.length ? ["本周联席会议：", ...capped(coming, (n) => `……另有 ${n} 场`)] : ["本周没有安排联席会议。"]),
    ...(unscheduled ? [`${unscheduled} 个共同体未来两个月没有安排联席会议。`] : []),
  ];

  return [summary, attention, lastWeek, next, ["完整表格：/区县 进度　汇总台账：/区县 导出 台账"]];
}
