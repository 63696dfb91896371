/**
 * The weekly digest as text sections (Simplified Chinese, phone-sized lines): last week, the
 * coming two weeks, this term's standing under bundled assessment with text bars, idle mentor
 * pairs, the next joint meeting and open action items. Pure: the same input gives the same text.
 */
import { addDays } from "../dates.ts";
import { formatDay, formatWhen, itemLine } from "../meetings/compose.ts";
import { computeProgress, type ProgressItem, type ProgressReport, type SchoolStanding } from "../progress.ts";
import { holdingBackText, schoolNameIn, scopeWhere, targetLabel } from "../progress-text.ts";
import type { DigestActivity, DigestAudience, DigestInput } from "./input.ts";
import { idlePairs } from "./mentors.ts";
import type { Section } from "./pack.ts";

const NOTABLE = 5;
const BAR_CELLS = 4;
const SHORT_ITEMS = 3;

/** ▓▓░░ for 1/2: the share done, in four cells (a started item shows at least one). */
export function bar(done: number, min: number): string {
  const filled = min <= 0 ? BAR_CELLS : Math.min(BAR_CELLS, done === 0 ? 0 : Math.max(1, Math.round((done / min) * BAR_CELLS)));
  return "▓".repeat(filled) + "░".repeat(BAR_CELLS - filled);
}

/** "示范课 县实小→杨庄 ▓▓░░ 1/2" */
export function barLine(report: ProgressReport, i: ProgressItem): string {
  return `${targetLabel(i)} ${scopeWhere(report, i.scope)} ${bar(i.done, i.min)} ${i.done}/${i.min}`;
}

export function counts(list: readonly DigestActivity[], keys: (a: DigestActivity) => readonly string[]): string {
  const m = new Map<string, number>();
  for (const a of list) for (const k of new Set(keys(a))) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([k, n]) => `${k} ${n}`)
    .join("、");
}

export function activityLine(report: ProgressReport, a: DigestActivity): string {
  const name = (id: number | null) => schoolNameIn(report, id);
  const route =
    a.givingSchoolId !== null && a.receiverSchoolIds.length > 0 ? ` ${name(a.givingSchoolId)}→${a.receiverSchoolIds.map(name).join("、")}` : a.hostSchoolId !== null ? ` ${name(a.hostSchoolId)}` : "";
  const people = a.people.length > 0 ? `（${a.people.slice(0, 3).join("、")}${a.people.length > 3 ? "等" : ""}）` : "";
  return `· ${formatDay(a.date)} ${a.kind}${a.title ? `《${a.title}》` : ""}${route}${people}`;
}

const schoolsOf = (a: DigestActivity) => [a.hostSchoolId, a.givingSchoolId, ...a.receiverSchoolIds, ...a.schoolIds].filter((x): x is number => x !== null);

function schoolSection(report: ProgressReport, s: SchoolStanding, own: boolean): Section {
  const head = `【${own ? "本校 " : ""}${s.school.name}】`;
  if (s.items.length === 0) return [`${head}本学期无目标`];
  if (s.behind === 0) return [`${head}全部达标（${s.met} 项）👍`];
  const behind = s.items.filter((i) => !i.met);
  return [`${head}还差 ${s.behind} 项，已达标 ${s.met} 项`, ...behind.map((i) => barLine(report, i))];
}

function standing(report: ProgressReport): string[] {
  const { total, met, holdingBack } = report.community;
  const remaining = report.items.reduce((n, i) => n + i.remaining, 0);
  const perWeek = report.weeksLeft > 0 ? `，平均每周需完成 ${Math.ceil(remaining / report.weeksLeft)} 次` : "";
  const lines = [`📊 本学期（${report.term.name}）：${total} 项目标达成 ${met} 项`];
  if (remaining === 0) return [...lines, "全部达标 🎉"];
  lines.push(`还差 ${remaining} 次，剩 ${report.weeksLeft} 周${perWeek}`);
  if (holdingBack && holdingBack.behind > 0) lines.push(`捆绑考核按共同体整体评价，目前拖后腿的是 ${holdingBackText(holdingBack)}`);
  return lines;
}

function meetingSection(input: DigestInput, today: string): Section {
  const lines: string[] = [];
  const m = input.nextMeeting;
  if (m) lines.push(`🗓 下次联席会议：${formatWhen(m.startsAt, input.community.timezone)} ${m.place ?? "地点待定"}${m.agenda ? ` 议题：${m.agenda}` : ""}`);
  const overdue = input.openItems.filter((i) => i.due !== null && i.due < today);
  const open = input.openItems.filter((i) => !overdue.includes(i));
  if (overdue.length > 0) lines.push(`⚠️ 已逾期的待办 ${overdue.length} 项：`, ...overdue.map((i) => `· ${itemLine(i)}`));
  if (open.length > 0) lines.push(`未完成的待办 ${open.length} 项：`, ...open.map((i) => `· ${itemLine(i)}`));
  return lines;
}

export interface Digest {
  report: ProgressReport;
  sections: Section[];
  empty: boolean;
}

export function composeDigest(input: DigestInput, to: DigestAudience, report: ProgressReport = computeProgress(input.progress)): Digest {
  const today = input.progress.today;
  const weekFrom = addDays(today, -7);
  const lastWeek = input.around.filter((a) => a.date >= weekFrom && a.date < today);
  const coming = input.around.filter((a) => a.date >= today && a.date <= addDays(today, 13));
  const header = [`📬 ${input.community.name} 周报（${formatDay(weekFrom)}—${formatDay(addDays(today, -1))}）`];
  const meetings = meetingSection(input, today);
  const empty = lastWeek.length === 0 && coming.length === 0;
  const own = to.short ? undefined : report.schools.find((s) => s.school.id === to.ownSchoolId);
  const ownSection = own ? [schoolSection(report, own, true)] : [];
  if (empty) {
    const kind = ["上周没有记录到共同体活动，也还没有安排接下来两周的活动。", "没关系，这周约一次听评课或送教就是好开始～ 记录只需发：/记录 听评课 今天 语文"];
    return { report, empty, sections: [[...header, ...kind], ...ownSection, standing(report), meetings] };
  }
  const week: string[] = [lastWeek.length === 0 ? "上周没有记录到活动。" : `上周活动 ${lastWeek.length} 项：${counts(lastWeek, (a) => [a.kind])}`];
  if (lastWeek.length > 0) week.push(`按学校：${counts(lastWeek, (a) => schoolsOf(a).map((id) => schoolNameIn(report, id)))}`);
  const notable = [...lastWeek].sort((a, b) => score(b) - score(a) || a.date.localeCompare(b.date)).slice(0, to.short ? 2 : NOTABLE);
  if (notable.length > 0) week.push("值得一看：", ...notable.map((a) => activityLine(report, a)));
  const plan = coming.length === 0 ? ["接下来两周还没有安排活动。"] : [`接下来两周的安排 ${coming.length} 项：`, ...coming.slice(0, to.short ? 3 : 10).map((a) => activityLine(report, a))];
  if (to.short) {
    const behind = report.items
      .filter((i) => !i.met)
      .slice(0, SHORT_ITEMS)
      .map((i) => barLine(report, i));
    return { report, empty, sections: [[...header, ...week], plan, [...standing(report), ...behind], meetings, ["完整周报每周发给各校校长；想单独收到请私聊我发送 /周报 订阅"]] };
  }
  const others = report.schools.filter((s) => s !== own).map((s) => schoolSection(report, s, false));
  const idle = idlePairs(input.progress, input.pairSince).map(
    ({ pair, weeks, never }) =>
      `· 导师${pair.mentor.name}（${schoolNameIn(report, pair.mentor.schoolId)}）→ 徒弟${pair.mentee.name}（${schoolNameIn(report, pair.mentee.schoolId)}）：${never ? "结对以来" : ""}已 ${weeks} 周没有活动`,
  );
  return {
    report,
    empty,
    sections: [header, ...ownSection, week, plan, standing(report), ...others, idle.length > 0 ? ["🤝 4 周以上没有活动的师徒结对：", ...idle] : [], meetings],
  };
}

/** Notable: cross-school ones with a title and named people first. */
const score = (a: DigestActivity) => (a.title ? 2 : 0) + (a.givingSchoolId !== null && a.receiverSchoolIds.length > 0 ? 2 : 0) + (a.people.length > 0 ? 1 : 0);
