/** /进度 as text: a phone screen first (what is behind), everything on request. */
import type { ProgressItem, ProgressReport, ProgressSchool, SchoolStanding } from "../../core/progress.ts";
import { groupedItemLines, holdingBackText, scopeWhere as where } from "../../core/progress-text.ts";

const SHOWN_PER_SCHOOL = 3;

const label = (i: ProgressItem) => i.target.label ?? i.target.kind;

export function itemText(report: ProgressReport, i: ProgressItem, self?: number): string {
  const w = where(report, i.scope, self);
  const joined = w.startsWith("→") || w.startsWith("—") || w === "" ? `${label(i)}${w}` : `${label(i)} ${w}`;
  const planned = i.planned > 0 ? `（另有${i.planned}项计划）` : "";
  return `${joined} ${i.done}/${i.min}${planned}`;
}

function schoolLine(report: ProgressReport, s: SchoolStanding): string {
  const head = `【${s.school.name}】`;
  if (s.items.length === 0) return `${head}无目标`;
  if (s.behind === 0) return `${head}全部达标（${s.met} 项）`;
  const behind = s.items.filter((i) => !i.met);
  const shown = behind
    .slice(0, SHOWN_PER_SCHOOL)
    .map((i) => itemText(report, i, s.school.id))
    .join("、");
  const more = behind.length > SHOWN_PER_SCHOOL ? ` 等` : "";
  return `${head}还差 ${s.behind} 项（剩 ${report.weeksLeft} 周）：${shown}${more}；已达标 ${s.met} 项`;
}

function standingLine(report: ProgressReport): string {
  const { total, met, holdingBack } = report.community;
  const base = `共同体：${total} 项目标达成 ${met} 项`;
  // A target two schools share (双方) shows under both schools but counts once here: say so, or the sums puzzle people.
  const shared = report.items.some((i) => i.accountable.length > 1) ? "（两校共同的目标只计一次）" : "";
  if (!holdingBack || holdingBack.behind === 0) return `${base}；全部达标 🎉${shared}`;
  return `${base}；拖后腿的是 ${holdingBackText(holdingBack)}${shared}`;
}

/** The phone screen: standing, then per school only what is behind. */
export function compactProgress(report: ProgressReport, title: string, templateNote: string): string {
  const lines = [`📊 ${title} ${report.term.name}，剩 ${report.weeksLeft} 周${templateNote}`, standingLine(report)];
  const communityBehind = report.items.filter((i) => i.scope.type === "community" && !i.met);
  if (communityBehind.length > 0)
    lines.push(
      `【全体】${communityBehind
        .slice(0, SHOWN_PER_SCHOOL)
        .map((i) => itemText(report, i))
        .join("、")}`,
    );
  for (const s of report.schools) lines.push(schoolLine(report, s));
  if (report.plannedActivities > 0) lines.push(`近期安排 ${report.plannedActivities} 项（到日子才计入）`);
  lines.push("详情：/进度 详细 或 /进度 学校名");
  return lines.join("\n");
}

/** One school in full: its header (the shape the web page's figures are checked against), then its items grouped by target, behind first. */
function schoolDetail(report: ProgressReport, s: SchoolStanding, own: boolean, name = s.school.fullName): string[] {
  return [`【${own ? "本校 " : ""}${name}】还差 ${s.behind} 项，已达标 ${s.met} 项`, ...markedLines(report, s.items, s.school.id)];
}

/** Items marked ⚠️ (behind) then ✅ (met), grouped by target. */
const markedLines = (report: ProgressReport, items: readonly ProgressItem[], self?: number) => [
  ...groupedItemLines(
    report,
    items.filter((i) => !i.met),
    self,
  ).map((l) => `⚠️${l}`),
  ...groupedItemLines(
    report,
    items.filter((i) => i.met),
    self,
  ).map((l) => `✅${l}`),
];

const communityLines = (report: ProgressReport) => {
  const items = report.items.filter((i) => i.scope.type === "community");
  return items.length === 0 ? [] : ["【全体】", ...markedLines(report, items)];
};

/**
 * /进度 详细 on a phone: the reader's own school (or, for someone without one, the school holding
 * the community back) in full, every other school in one line, each one tap away (/进度 学校名).
 */
export function phoneDetail(report: ProgressReport, title: string, focusId: number | null): { text: string; others: ProgressSchool[] } {
  const lines = [`📊 ${title} ${report.term.name}，剩 ${report.weeksLeft} 周`, standingLine(report)];
  const focus = report.schools.find((s) => s.school.id === focusId) ?? report.schools.find((s) => report.community.holdingBack?.schools.some((h) => h.id === s.school.id)) ?? report.schools[0];
  if (focus) lines.push(...schoolDetail(report, focus, focus.school.id === focusId));
  const others = report.schools.filter((s) => s !== focus);
  for (const s of others) lines.push(s.items.length === 0 ? `【${s.school.name}】无目标` : `【${s.school.name}】还差 ${s.behind} 项，已达标 ${s.met} 项`);
  const example = others[0] ? `/进度 ${others[0].school.name}` : "/进度 学校名";
  lines.push(`某校明细：${example}；全部：/进度 全部`);
  return { text: lines.join("\n"), others: others.map((s) => s.school) };
}

/** Everything for one school (or, without one, for every school and the community), grouped by target. */
export function detailedProgress(report: ProgressReport, title: string, only?: ProgressSchool): string {
  const lines = [`📊 ${title} ${report.term.name}，剩 ${report.weeksLeft} 周`, standingLine(report)];
  if (!only) lines.push(...communityLines(report));
  for (const s of report.schools) if (!only || s.school.id === only.id) lines.push(...schoolDetail(report, s, false));
  return lines.join("\n");
}
