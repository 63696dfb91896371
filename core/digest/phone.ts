/**
 * /周报 on a phone (issue 25): the reader's own school (or the one holding the community back)
 * and what it still lacks first, every other school in one line, the term's standing, the week
 * in two lines and the next meeting. The full digest (composeDigest) is one tap away: /周报 全部.
 */
import { formatDay, formatWhen } from "../meetings/compose.ts";
import type { ProgressReport } from "../progress.ts";
import { groupedItemLines } from "../progress-text.ts";
import { activityLine, counts } from "./compose.ts";
import { addDays } from "../dates.ts";
import type { DigestInput } from "./input.ts";

/** Targets shown for the focus school (each on one line, all its partner schools together). */
const SHOWN_TARGETS = 4;

export function phoneDigest(input: DigestInput, report: ProgressReport, ownSchoolId: number | null): string[] {
  const today = input.progress.today;
  const weekFrom = addDays(today, -7);
  const lines = [`📬 ${input.community.name} 周报（${formatDay(weekFrom)}—${formatDay(addDays(today, -1))}）`];

  const holding = report.community.holdingBack?.schools.map((s) => s.id) ?? [];
  const focus = report.schools.find((s) => s.school.id === ownSchoolId) ?? report.schools.find((s) => holding.includes(s.school.id));
  if (focus) {
    const own = focus.school.id === ownSchoolId;
    const head = `【${own ? "本校 " : ""}${focus.school.name}】`;
    const behind = groupedItemLines(
      report,
      focus.items.filter((i) => !i.met),
      focus.school.id,
    );
    if (focus.behind === 0) lines.push(`${head}全部达标（${focus.met} 项）👍`);
    else {
      lines.push(`${head}还差 ${focus.behind} 项${own ? "" : "（拖后腿最多）"}：`, ...behind.slice(0, SHOWN_TARGETS));
      if (behind.length > SHOWN_TARGETS) lines.push(`……另有 ${behind.length - SHOWN_TARGETS} 类目标`);
    }
  }
  const others = report.schools.filter((s) => s !== focus && s.items.length > 0);
  if (others.length > 0) lines.push(`其他学校还差：${others.map((s) => `${s.school.name} ${s.behind} 项`).join("、")}`);

  const { total, met } = report.community;
  const remaining = report.items.reduce((n, i) => n + i.remaining, 0);
  lines.push(remaining === 0 ? `📊 本学期 ${total} 项目标全部达标 🎉` : `📊 本学期 ${total} 项目标达成 ${met} 项，还差 ${remaining} 次，剩 ${report.weeksLeft} 周`);

  const lastWeek = input.around.filter((a) => a.date >= weekFrom && a.date < today);
  const coming = input.around.filter((a) => a.date >= today && a.date <= addDays(today, 13));
  lines.push(lastWeek.length === 0 ? "上周没有记录到活动。" : `上周 ${lastWeek.length} 项：${counts(lastWeek, (a) => [a.kind])}`);
  const next = coming[0];
  if (next) lines.push(`接下来两周 ${coming.length} 项，最近：${activityLine(report, next).replace(/^· /, "")}`);

  const m = input.nextMeeting;
  if (m) lines.push(`🗓 下次联席会议：${formatWhen(m.startsAt, input.community.timezone)} ${m.place ?? "地点待定"}`);
  const overdue = input.openItems.filter((i) => i.due !== null && i.due < today).length;
  if (input.openItems.length > 0) lines.push(`待办 ${input.openItems.length} 项未完成${overdue > 0 ? `（${overdue} 项已逾期）` : ""}`);
  return lines;
}
