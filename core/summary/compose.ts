/**
 * The term summary (工作总结) in words, as the seeds' summaries are written (seed 004 篇一, 篇四,
 * 篇七, 篇九, 篇十): an opening that ends 「现将…总结如下：」, 一、基本情况 (leadership, meeting
 * routine, cut-off), 二、主要做法与成效 by area with counts by direction, dated records, teachers
 * and notes, 三、存在的问题, 四、下一步打算, and the name-and-date line. Every figure comes from
 * the ledger's records or the progress report /进度 shows; nothing is made up.
 */
import { PAIRS_KIND } from "../targets.ts";
import { termWeeks } from "../terms.ts";
import { nextSteps, problems } from "./outlook.ts";
import type { SummaryActivity, SummaryBlock, SummaryDoc, SummaryInput } from "./types.ts";
import { AREAS, activitySentence, areaOf, directionCounts, fullDate, joinNames, kindCounts, teachersOf } from "./words.ts";

/** A section lists this many records by date; the ledger has them all. */
const MAX_LISTED = 8;
const CN_NUM = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];

/** Hosted, joined, gave (主讲校) or received: the same as the ledger's school filter. */
export const tookPart = (a: SummaryActivity, school: string) => a.hostSchool === school || a.schools.includes(school) || a.givingSchool === school || a.receivers.includes(school);

export function summaryTitle(input: Pick<SummaryInput, "community" | "focusSchool" | "termName">): string {
  const { community, focusSchool } = input;
  return `${focusSchool ? `${focusSchool}（${community.name}）` : community.name}${input.termName}工作总结`;
}

function opening(input: SummaryInput, done: readonly SummaryActivity[]): string {
  const core = input.schools.filter((s) => s.role === "core").map((s) => s.fullName);
  const members = input.schools.filter((s) => s.role === "member").map((s) => s.fullName);
  const areas = AREAS.filter((a) => done.some((x) => areaOf(x.kind) === a)).map((a) => a.name);
  if (input.pairs.length) areas.splice(Math.min(areas.length, 3), 0, "师徒结对");
  const work = areas.length ? `围绕${joinNames(areas)}等方面开展工作` : "开展共同体工作";
  if (input.focusSchool) {
    const me = input.schools.find((s) => s.fullName === input.focusSchool);
    const others = input.schools.filter((s) => s.fullName !== input.focusSchool).map((s) => s.fullName);
    return `我校（${input.focusSchool}）是${input.community.name}的${me?.role === "core" ? "核心校" : "成员校"}，与${joinNames(others)}结成共同体。${input.termName}，我校${work}。现将我校${input.termName}参与共同体工作的情况总结如下：`;
  }
  const made = `${core.length ? `核心校${joinNames(core)}` : ""}${core.length && members.length ? "与" : ""}${members.length ? `成员校${joinNames(members)}` : ""}`;
  return `${made ? `${made}结成${input.community.name}。` : ""}${input.termName}，共同体各校${work}。现将${input.termName}共同体工作总结如下：`;
}

/** The rule as typed, without its place (said apart): "每月第一个周六9:00". */
const ruleWhen = (rule: { text: string; place: string | null }) => (rule.place ? rule.text.replace(rule.place, "") : rule.text).trim().replace(/\s+(?=\d)/g, "");

function basics(input: SummaryInput, done: readonly SummaryActivity[]): SummaryBlock[] {
  const blocks: SummaryBlock[] = [];
  // In the schools' own order (the core school first), as a summary lists its leadership group.
  const rank = (school: string | null) => {
    const i = input.schools.findIndex((s) => s.fullName === school);
    return i < 0 ? input.schools.length : i;
  };
  const principals = input.leaders.filter((l) => l.roles.includes("principal")).sort((a, b) => rank(a.school) - rank(b.school));
  const admins = input.leaders.filter((l) => l.roles.includes("admin") && !l.roles.includes("principal"));
  const named = (l: { name: string; school: string | null }) => `${l.name}${l.school ? `（${l.school}）` : ""}`;
  blocks.push({
    type: "p",
    text: principals.length
      ? `组织领导。共同体领导小组由各校校长组成：${joinNames(principals.map(named))}${admins.length ? `；${joinNames(admins.map(named))}任管理员，负责活动登记和日常联络` : ""}。`
      : `组织领导。共同体领导小组：【请填写】${admins.length ? `；${joinNames(admins.map(named))}任管理员，负责活动登记和日常联络` : ""}。`,
  });
  const meetings = done.filter((a) => a.kind === "联席会议").length;
  const rule = input.meetingRule;
  blocks.push({
    type: "p",
    text: `工作制度。${rule ? `共同体坚持${ruleWhen(rule)}召开联席会议${rule.place ? `，地点一般在${rule.place}` : ""}` : "共同体尚未设定联席会议的固定时间"}${meetings ? `，本学期已召开${meetings}次` : "，本学期尚未召开"}。`,
  });
  const weeks = termWeeks(input.progress.term, input.today);
  const ongoing = input.today < input.range.to;
  const cut = ongoing ? `本总结统计截至${fullDate(input.today)}（本学期第${weeks.current}周，距学期结束还有${weeks.left}周）` : `本总结统计${input.range.from}至${input.range.to}的记录`;
  const planned = input.activities.filter((a) => a.planned).length;
  const mine = input.focusSchool ? "我校参与的" : "";
  blocks.push({
    type: "p",
    text: `${cut}：${mine}共同体活动已开展${done.length}次${planned ? `，另有${planned}次已安排、尚未开展，不计入本总结` : ""}；${input.focusSchool ? "我校教师" : "共同体"}登记师徒结对${input.pairs.length}对。`,
  });
  return blocks;
}

/** Records worth naming in a section: titled, named or noted first, then shown by date. */
function listed(acts: readonly SummaryActivity[]): SummaryActivity[] {
  const worth = (a: SummaryActivity) => (a.notes ? 2 : 0) + (a.title ? 2 : 0) + (a.people.length ? 1 : 0);
  return [...acts]
    .map((a, i) => ({ a, i }))
    .sort((x, y) => worth(y.a) - worth(x.a) || x.i - y.i)
    .slice(0, MAX_LISTED)
    .map((x) => x.a)
    .sort((x, y) => x.date.localeCompare(y.date));
}

function areaBlocks(input: SummaryInput, area: (typeof AREAS)[number], acts: readonly SummaryActivity[]): SummaryBlock[] {
  const sorted = [...acts].sort((a, b) => a.date.localeCompare(b.date));
  const lines: string[] = [`${area.name}方面，本学期${input.focusSchool ? "我校参与" : "共开展"}活动${acts.length}次，其中${kindCounts(acts)}。`];
  const directions = directionCounts(sorted);
  if (directions.length) lines.push(`${directions.join("；")}。`.replaceAll(input.focusSchool ?? "\u0000", "我校"));
  const teachers = teachersOf(acts, input.focusSchool);
  if (teachers.length) lines.push(`${input.focusSchool ? "我校" : ""}${joinNames(teachers)}${teachers.length > 1 ? `等${teachers.length}名` : ""}教师执教或主讲。`);
  const shown = listed(sorted);
  const rest = acts.length - shown.length;
  const body = shown.map(activitySentence).join("");
  return [
    { type: "p", text: lines.join("") },
    { type: "p", text: `${body}${rest > 0 ? `另有${rest}次活动，详见活动台账。` : ""}` },
  ];
}

function pairBlocks(input: SummaryInput): SummaryBlock[] {
  const report = input.progress;
  const who = (name: string, school: string | null) => `${name}${school ? `（${school}）` : ""}`;
  const list = input.pairs.map((p) => `${p.subject ? `${p.subject}：` : ""}${who(p.mentor, p.mentorSchool)}与${who(p.mentee, p.menteeSchool)}`);
  const active = input.pairs.filter((p) => p.activities > 0);
  const idle = input.pairs.filter((p) => p.activities === 0);
  const lines = [`本学期${input.focusSchool ? "我校教师参与的" : "共同体登记"}师徒结对${input.pairs.length}对：${list.join("；")}。`];
  if (active.length) {
    lines.push(
      `以活动记录中同时记有师徒二人计，${joinNames(active.map((p) => `${p.mentor}与${p.mentee}开展结对活动${p.activities}次`))}${idle.length ? `；${joinNames(idle.map((p) => `${p.mentor}与${p.mentee}`))}尚无结对活动记录` : ""}。`,
    );
  } else if (idle.length) {
    lines.push("各对师徒尚无结对活动记录（活动记录中同时记有师徒二人才计入）。");
  }
  // The mentor and mentee targets, as /进度 counts them: met or not, per kind.
  const byLabel = new Map<string, { met: number; of: number; side: string }>();
  for (const i of report.items) {
    if (i.scope.type !== "mentor") continue;
    const key = `${i.scope.side === "mentor" ? "导师" : "徒弟"}${i.target.label ?? i.target.kind}（每学期${i.min}次）`;
    const v = byLabel.get(key) ?? { met: 0, of: 0, side: i.scope.side };
    byLabel.set(key, { ...v, met: v.met + Number(i.met), of: v.of + 1 });
  }
  if (byLabel.size) lines.push(`对照结对要求，${[...byLabel.entries()].map(([k, v]) => `${k}${v.of}项中已达标${v.met}项`).join("，")}。`);
  const count = report.items.find((i) => i.target.kind === PAIRS_KIND && i.scope.type === "community");
  if (count) lines.push(`共同体结对数量要求${count.min}对，已登记${count.done}对。`);
  return [{ type: "p", text: lines.join("") }];
}

/** Activities per school and area: rows are schools, so a school's full name sits in one wide column. */
function table(input: SummaryInput, done: readonly SummaryActivity[]): SummaryBlock | null {
  const areas = AREAS.filter((a) => done.some((x) => areaOf(x.kind) === a));
  if (areas.length === 0) return null;
  const schools = input.focusSchool ? [input.focusSchool] : input.schools.map((s) => s.fullName);
  const of = (s: string) => done.filter((a) => input.focusSchool === s || tookPart(a, s));
  const rows = schools.map((s) => [s, ...areas.map((ar) => String(of(s).filter((a) => areaOf(a.kind) === ar).length)), String(of(s).length)]);
  if (!input.focusSchool) rows.push(["共同体合计", ...areas.map((ar) => String(done.filter((a) => areaOf(a.kind) === ar).length)), String(done.length)]);
  return { type: "table", header: ["学校", ...areas.map((a) => a.short), "合计"], rows };
}

export function composeSummary(input: SummaryInput): SummaryDoc {
  const done = input.activities.filter((a) => !a.planned);
  const achievements: SummaryBlock[] = [];
  const withHeads = done.filter((a) => a.headcount !== null);
  const people = withHeads.reduce((n, a) => n + (a.headcount ?? 0), 0);
  const teachers = teachersOf(done, input.focusSchool);
  achievements.push({
    type: "p",
    text: done.length
      ? `本学期${input.focusSchool ? "我校参与" : "共同体共开展"}活动${done.length}次，其中${kindCounts(done)}${withHeads.length ? `；登记了参加人数的${withHeads.length}次活动共${people}人次参加` : ""}${
          teachers.length ? `；${input.focusSchool ? "我校" : ""}参与授课、讲座的教师${teachers.length}人` : ""
        }。${input.focusSchool ? "我校" : "各校"}参与情况见下表。`
      : "本学期还没有登记已开展的活动。",
  });
  const t = table(input, done);
  if (t) achievements.push(t);
  let n = 0;
  const sub = (name: string) => ({ type: "sub" as const, text: `（${CN_NUM[n++]}）${name}` });
  for (const area of AREAS) {
    const acts = done.filter((a) => areaOf(a.kind) === area);
    if (area === AREAS[3] && input.pairs.length) achievements.push(sub("师徒结对"), ...pairBlocks(input));
    if (acts.length) achievements.push(sub(area.name), ...areaBlocks(input, area, acts));
  }
  const numbered = (xs: string[]): SummaryBlock[] => xs.map((text, i) => ({ type: "p", text: `${i + 1}．${text}` }));
  return {
    title: summaryTitle(input),
    opening: opening(input, done),
    sections: [
      { heading: "一、基本情况", blocks: basics(input, done).map((b, i) => (b.type === "p" ? { ...b, text: `${i + 1}．${b.text}` } : b)) },
      { heading: "二、主要做法与成效", blocks: achievements },
      { heading: "三、存在的问题", blocks: numbered(problems(input)) },
      { heading: "四、下一步打算", blocks: numbered(nextSteps(input)) },
    ],
    closing: [input.focusSchool ?? input.community.name, fullDate(input.today)],
  };
}
