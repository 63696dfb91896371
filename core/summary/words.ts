/**
 * The summary's sentences about activities: dates as schools write them, one record as a
 * clause ("11月12日，双庙中心小学刘老师到郝家也中心小学执教示范课《…》"), and counts by
 * direction ("清涧县第二小学到郝家也中心小学开展示范课2次").
 */
import { KIND_NAMES } from "../kinds.ts";
import type { SummaryActivity } from "./types.ts";

/** "11月5日" */
export const monthDay = (day: string) => `${Number(day.slice(5, 7))}月${Number(day.slice(8, 10))}日`;
/** "2026年11月22日" */
export const fullDate = (day: string) => `${Number(day.slice(0, 4))}年${monthDay(day)}`;

export const joinNames = (xs: readonly string[]) => xs.join("、");

/**
 * The areas a seed summary reports under (seed 004 篇一, 篇七, 篇九; seed 002's own headings),
 * each with the kinds it covers. A kind not listed (a community's own) goes with 教研.
 */
export const AREAS: readonly { name: string; short: string; kinds: readonly string[] }[] = [
  { name: "管理与联席会议", short: "管理与会议", kinds: ["联席会议", "管理论坛", "挂职"] },
  { name: "送教与示范", short: "送教与示范", kinds: ["示范课", "同课异构", "专题讲座", "教学比武", "教师交流", "参观学习"] },
  { name: "教研与集体备课", short: "教研与备课", kinds: ["集体备课", "听评课", "教研活动", "联考", "资源共享", "论文案例"] },
  { name: "学生活动与资源援助", short: "学生活动与援助", kinds: ["德育活动", "主题活动", "物资援助"] },
];
const RESEARCH = AREAS[2]!;

export function areaOf(kind: string): (typeof AREAS)[number] {
  return AREAS.find((a) => a.kinds.includes(kind)) ?? RESEARCH;
}

/** Kinds in which the people named gave the lesson or the talk (not those who observed or wrote). */
export const TEACHING_KINDS: readonly string[] = ["示范课", "同课异构", "专题讲座", "教学比武"];

/** What the named people did, in the words a summary uses. */
const VERB: Readonly<Record<string, string>> = {
  示范课: "执教",
  同课异构: "执教",
  教学比武: "参加",
  专题讲座: "主讲",
  集体备课: "主备",
  教研活动: "主持",
  听评课: "参加",
  论文案例: "撰写",
  挂职: "参加",
  教师交流: "参加",
  参观学习: "参加",
};

const rank = (k: string) => (KIND_NAMES.includes(k) ? KIND_NAMES.indexOf(k) : KIND_NAMES.length);

/** "示范课2次、专题讲座1次", in the canonical order of kinds. */
export function kindCounts(acts: readonly SummaryActivity[]): string {
  const m = new Map<string, number>();
  for (const a of acts) m.set(a.kind, (m.get(a.kind) ?? 0) + 1);
  return [...m.entries()]
    .sort((a, b) => rank(a[0]) - rank(b[0]))
    .map(([k, n]) => `${k}${n}次`)
    .join("、");
}

/** Who led a record (the giving school, else the host) and who else joined. */
function placesOf(a: SummaryActivity): { lead: string | null; away: string | null; joined: string[] } {
  const lead = a.givingSchool ?? a.hostSchool;
  const away = a.givingSchool && a.hostSchool && a.hostSchool !== a.givingSchool ? a.hostSchool : null;
  const joined = [...new Set([...a.schools, ...a.receivers])].filter((s) => s !== lead && s !== a.hostSchool);
  return { lead, away, joined };
}

/** The first line of a note, short enough for a sentence. */
export function noteText(notes: string | null, max = 60): string | null {
  const first = notes
    ?.split(/\r?\n/)
    .find((l) => l.trim())
    ?.trim();
  if (!first) return null;
  return first.length > max ? `${first.slice(0, max)}…` : first;
}

/** Kinds where the schools that joined went to the lead school ("…到清涧县第二小学参观学习"). */
const VISIT_KINDS: readonly string[] = ["参观学习", "挂职"];

/** One record as a clause, without the date. */
export function activityClause(a: SummaryActivity): string {
  const { lead, away, joined } = placesOf(a);
  const what = `${a.subject && !a.kind.startsWith(a.subject) ? a.subject : ""}${a.kind}${a.title ? `《${a.title}》` : ""}`;
  const who = joinNames(a.people);
  let text: string;
  if (a.kind === "联席会议") {
    text = `${a.hostSchool ? `在${a.hostSchool}` : ""}召开联席会议${joined.length ? `，${joinNames(joined)}参加` : ""}`;
  } else if (VISIT_KINDS.includes(a.kind) && !away && lead && joined.length) {
    text = `${joinNames(joined)}${who}到${lead}${what}`;
  } else if (who && (TEACHING_KINDS.includes(a.kind) || (!away && joined.length === 0))) {
    // The people named gave it: they belong to the lead school (the giver's, as the ledger says).
    text = `${lead ?? ""}${who}${away ? `到${away}` : ""}${VERB[a.kind] ?? "参加"}${what}${joined.length ? `，${joinNames(joined)}参加` : ""}`;
  } else {
    // Observers or a mixed group: their schools are not known here, so they are named after the place.
    const place = `${lead ?? ""}${away ? `到${away}` : lead && joined.length === 0 ? "校内" : ""}`;
    text = `${place}开展${what}${joined.length ? `，${joinNames(joined)}参加` : ""}${who ? `，${who}参加` : ""}`;
  }
  const head = a.headcount ? `，共${a.headcount}人参加` : "";
  const note = noteText(a.notes);
  return `${text}${head}${note ? `（${a.kind === "联席会议" ? "纪要：" : ""}${note}）` : ""}`;
}

/** "11月12日，…。" */
export const activitySentence = (a: SummaryActivity) => `${monthDay(a.date)}，${activityClause(a)}。`;

/**
 * Counts by direction, as /进度 reads direction: a record given by one school and held at another
 * is that school's 送教 ("A到B开展…"); one held at the giver that others attended is theirs to
 * attend ("B到A参加…"); the rest are a school's own.
 */
export function directionCounts(acts: readonly SummaryActivity[]): string[] {
  const groups = new Map<string, SummaryActivity[]>();
  const order: string[] = [];
  for (const a of [...acts].sort((x, y) => x.date.localeCompare(y.date))) {
    const { lead, away, joined } = placesOf(a);
    const key = away ? `${lead}到${away}开展` : lead && joined.length ? `${joinNames(joined)}到${lead}` : lead ? `${lead}校内开展` : "另有";
    if (!groups.has(key)) order.push(key);
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return order.map((k) => {
    const acts = groups.get(k) ?? [];
    const visit = k.endsWith("开展") || k === "另有" || acts.every((a) => VISIT_KINDS.includes(a.kind)) ? "" : "参加";
    return `${k}${visit}${kindCounts(acts)}`;
  });
}

/** Teachers who gave a lesson or a talk, in order of first appearance; for one school, only its own (the lead school's people). */
export function teachersOf(acts: readonly SummaryActivity[], school: string | null): string[] {
  const out: string[] = [];
  for (const a of [...acts].sort((x, y) => x.date.localeCompare(y.date))) {
    if (!TEACHING_KINDS.includes(a.kind)) continue;
    if (school !== null && (a.givingSchool ?? a.hostSchool) !== school) continue;
    for (const p of a.people) if (!out.includes(p)) out.push(p);
  }
  return out;
}
