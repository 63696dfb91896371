/**
 * 存在的问题 and 下一步打算, drafted from the progress report and the records: who holds the
 * community back and on what, pairs behind, what was never delivered in a direction, the weeks
 * left; then the recorded plans and the next meetings. What the records cannot know stays a
 * short 【请填写】 prompt.
 */
import type { ProgressItem, ProgressReport } from "../progress.ts";
import { targetLabel } from "../progress-text.ts";
import { PAIRS_KIND } from "../targets.ts";
import type { SummaryInput } from "./types.ts";
import { activityClause, joinNames, monthDay } from "./words.ts";

const MAX_ITEMS = 3;
const MAX_PLANS = 5;

/** A school's full name, or 我校 in its own summary. */
function schoolWord(report: ProgressReport, id: number, self: string | null): string {
  const name = report.schools.find((s) => s.school.id === id)?.school.fullName ?? "未设学校";
  return name === self ? "我校" : name;
}

/** An item in prose: "清涧县第二小学对双庙中心小学的示范课（已完成0次，要求2次）". */
export function itemPhrase(report: ProgressReport, i: ProgressItem, self: string | null): string {
  const label = targetLabel(i);
  const s = i.scope;
  const where =
    s.type === "community"
      ? "共同体"
      : s.type === "school"
        ? schoolWord(report, s.schoolId, self)
        : s.type === "pair"
          ? s.directed
            ? `${schoolWord(report, s.giverId, self)}对${schoolWord(report, s.receiverId, self)}的`
            : `${schoolWord(report, s.giverId, self)}与${schoolWord(report, s.receiverId, self)}的`
          : s.side === "mentor"
            ? `导师${s.person}（徒弟${s.partner}）的`
            : `徒弟${s.person}的`;
  const unit = i.target.kind === PAIRS_KIND ? "对" : "次";
  return `${where}${label}（已完成${i.done}${unit}，要求${i.min}${unit}）`;
}

const unmet = (items: readonly ProgressItem[]) => items.filter((i) => !i.met);

export function problems(input: SummaryInput): string[] {
  const { progress: report, focusSchool: self } = input;
  const out: string[] = [];
  const open = unmet(report.items);
  const total = report.items.length;
  const whose = self ? "我校承担的" : "共同体";
  const arranged = open.filter((i) => i.planned > 0).length;
  const weeks = report.weeksLeft > 0 ? `，距学期结束还有${report.weeksLeft}周${arranged ? `，其中只有${arranged}项已有活动安排` : "，且都还没有活动安排"}` : "";
  out.push(
    open.length === 0
      ? `截至${monthDay(input.today)}，${whose}${total}项目标已全部完成。`
      : `截至${monthDay(input.today)}，${whose}${total}项目标中已完成${total - open.length}项，还有${open.length}项未完成${weeks}。`,
  );

  // Bundled assessment (seed 002): the side that lags costs both; name it and its items.
  // In a school's own summary only when it is that school: the others answer for themselves.
  const hb = report.community.holdingBack;
  if (hb && (!self || hb.schools.some((s) => s.fullName === self))) {
    const theirs = (id: number) =>
      unmet(report.items.filter((i) => i.accountable.includes(id)))
        .slice(0, MAX_ITEMS)
        .map((i) => itemPhrase(report, i, self));
    const names = hb.schools.map((s) => (s.fullName === self ? "我校" : s.fullName));
    const first = hb.schools[0];
    const items = first ? theirs(first.id) : [];
    out.push(
      `按捆绑考核，${joinNames(names)}在${hb.schools.length > 1 ? "各自" : ""}承担的${hb.of}项目标中还差${hb.behind}项，是共同体最需要补齐的一方${items.length ? `，${hb.schools.length > 1 ? `以${names[0]}为例，` : ""}主要是${joinNames(items)}` : ""}。`,
    );
  }

  // Pairs behind: the mentor and mentee targets, in the order the pairs were registered.
  const pairItems = unmet(report.items.filter((i) => i.scope.type === "mentor")).sort((a, b) => (a.scope.type === "mentor" && b.scope.type === "mentor" ? a.scope.pairId - b.scope.pairId : 0));
  const pairCount = unmet(report.items.filter((i) => i.target.kind === PAIRS_KIND));
  if (pairItems.length || pairCount.length) {
    const count = pairCount.length ? `${joinNames(pairCount.map((i) => itemPhrase(report, i, self)))}，结对数量还不够` : "";
    const each = pairItems.length ? `${pairItems.length}项师徒指导要求尚未达到，如${joinNames(pairItems.slice(0, MAX_ITEMS).map((i) => itemPhrase(report, i, self)))}` : "";
    out.push(`师徒结对方面，${[count, each].filter(Boolean).join("；")}。`);
  }

  // Directions never delivered at all: a giver that has not once done a kind for a receiver.
  const never = new Map<string, string[]>();
  for (const i of report.items) {
    if (i.scope.type !== "pair" || !i.scope.directed || i.done > 0) continue;
    const key = `${schoolWord(report, i.scope.giverId, self)}对${schoolWord(report, i.scope.receiverId, self)}`;
    never.set(key, [...(never.get(key) ?? []), targetLabel(i)]);
  }
  if (never.size) {
    out.push(`从送教和交流的方向看，以下项目至今一次也没有开展：${[...never.entries()].map(([k, labels]) => `${k}的${joinNames([...new Set(labels)])}`).join("；")}。`);
  }

  out.push("【请填写】记录反映不出的困难（如学校间距离、时间冲突等）。");
  return out;
}

export function nextSteps(input: SummaryInput): string[] {
  const { progress: report, focusSchool: self } = input;
  const out: string[] = [];
  const plans = input.activities.filter((a) => a.planned).sort((a, b) => a.date.localeCompare(b.date));
  if (plans.length) {
    const shown = plans.slice(0, MAX_PLANS).map((a) => `${monthDay(a.date)}${activityClause(a)}`);
    out.push(`按已登记的安排，${shown.join("；")}${plans.length > MAX_PLANS ? `等${plans.length}项` : ""}，将按计划开展。`);
  }
  const next = input.nextMeetings[0];
  if (next) {
    const zone = input.community.timezone;
    const wall = new Intl.DateTimeFormat("zh-CN", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(
      next.startsAt,
    );
    const part = (t: string) => wall.find((p) => p.type === t)?.value ?? "";
    const day = `${part("year")}-${part("month")}-${part("day")}`;
    const open = input.actionItems.filter((i) => i.doneAt === null);
    out.push(
      `下次联席会议定于${monthDay(day)}${part("hour")}:${part("minute")}${next.place ? `在${next.place}` : ""}召开${next.agenda ? `，议题为${next.agenda}` : ""}${
        open.length ? `，会上检查${joinNames(open.slice(0, MAX_ITEMS).map((i) => `${i.owner ? `${i.owner}` : ""}${i.due ? `${monthDay(i.due)}前` : ""}${i.task}`))}等待办事项的落实` : ""
      }。`,
    );
  }
  // Per school as /进度 lists them ("还差 N 项"), in the schools' own order: a plan, not a ranking.
  const behind = report.schools.filter((s) => s.behind > 0 && (!self || s.school.fullName === self));
  if (behind.length) {
    const mine = (i: ProgressItem) => i.accountable.some((id) => behind.some((b) => b.school.id === id));
    const zero = unmet(report.items).filter((i) => i.done === 0 && i.planned === 0 && mine(i)).length;
    const each = joinNames(behind.map((s) => `${schoolWord(report, s.school.id, self)}还差${s.behind}项`));
    out.push(`${report.weeksLeft > 0 ? `在剩余的${report.weeksLeft}周内` : "下学期"}，按${each}排出送教和交流计划${zero ? `，优先安排至今为0、又尚无安排的${zero}项` : ""}。`);
  }
  const short = unmet(report.items.filter((i) => i.target.kind === PAIRS_KIND));
  const idle = input.pairs.filter((p) => p.activities === 0);
  const add = short.length ? `补足师徒结对（${joinNames(short.map((i) => `${itemPhrase(report, i, self).replace(/（.*$/, "")}还需登记${i.remaining}对`))}）` : "";
  const nudge = idle.length ? `督促${joinNames(idle.map((p) => `${p.mentor}与${p.mentee}`))}尽快开展结对听评课和课题指导` : "";
  if (add || nudge) out.push(`${[add, nudge].filter(Boolean).join("，并")}。`);
  out.push("【请填写】需要教育局或核心校支持的事项。");
  return out;
}
