/**
 * The term summary (工作总结) as a .docx, in the structure the seeds' summaries use (seed 004):
 * 一、基本情况 二、主要做法与成效 三、存在的问题 四、下一步打算. Everything written from the
 * records; the problems are marked for the principal to edit, next steps are headed blanks.
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from "docx";
import { KIND_NAMES } from "../core/kinds.ts";
import type { Ledger, LedgerActivity } from "../db/ledger.ts";

export interface SummaryInput {
  ledger: Ledger;
  termName: string;
  range: { from: string; to: string };
  /** Targets not met, in words, e.g. "示范课 县实小→杨庄 1/2" (from the progress function); null when unknown. */
  behind: readonly string[] | null;
}

// Named in the document so Word and WPS pick the usual Chinese body font (宋体), Latin in Times.
const FONT = { ascii: "Times New Roman", hAnsi: "Times New Roman", eastAsia: "宋体", cs: "Times New Roman" };
const EDIT_MARK = "【请校长核实修改】";
/** A summary names the first few; the ledger's progress sheet lists them all. */
const MAX_BEHIND = 12;

const p = (text: string, opts: { bold?: boolean; indent?: boolean } = {}) =>
  new Paragraph({ children: [new TextRun({ text, bold: opts.bold ?? false })], ...(opts.indent === false ? {} : { indent: { firstLine: 560 } }), spacing: { line: 360 } });
const h = (text: string) =>
  new Paragraph({ heading: HeadingLevel.HEADING_2, children: [new TextRun({ text, bold: true, font: { ...FONT, eastAsia: "黑体" } })], spacing: { before: 240, after: 120 } });

/** Counts per kind, most first; ties in the canonical order of kinds (core/kinds.ts). */
function countByKind(xs: readonly LedgerActivity[]): [string, number][] {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x.kind, (m.get(x.kind) ?? 0) + 1);
  const rank = (k: string) => (KIND_NAMES.includes(k) ? KIND_NAMES.indexOf(k) : KIND_NAMES.length);
  return [...m.entries()].sort((a, b) => b[1] - a[1] || rank(a[0]) - rank(b[0]));
}

/** A school's own summary says whose it is ("郝家也中心小学（…共同体）2026年秋季学期工作总结"). */
const summaryTitle = (input: SummaryInput) => {
  const { community, focusSchool } = input.ledger;
  return `${focusSchool ? `${focusSchool}（${community.name}）` : community.name}${input.termName}工作总结`;
};

/** Records worth naming: with a title, most people first, then confirmed ones. */
function highlights(acts: readonly LedgerActivity[]): LedgerActivity[] {
  return [...acts]
    .filter((a) => a.title)
    .sort((a, b) => (b.headcount ?? 0) - (a.headcount ?? 0) || Number(!!b.confirmedBy) - Number(!!a.confirmedBy))
    .slice(0, 5);
}

/**
 * One highlight as a sentence: the people belong to the giving school, which may have gone to the
 * host ("双庙中心小学刘老师到郝家也中心小学开展专题讲座《…》"); the host is not named as theirs.
 */
function highlightLine(a: LedgerActivity): string {
  const who = a.givingSchool ?? a.hostSchool ?? "";
  const away = a.hostSchool && a.hostSchool !== who ? `到${a.hostSchool}开展` : "";
  const joined = a.schools.filter((s) => s !== who && s !== a.hostSchool);
  const date = `${Number(a.date.slice(5, 7))}月${Number(a.date.slice(8, 10))}日`;
  return `${date}，${who}${a.people.join("、")}${away}${a.kind}《${a.title}》${joined.length ? `，${joined.join("、")}参加` : ""}${a.headcount ? `，${a.headcount}人参与` : ""}。`;
}

/** Hosted, joined, gave (主讲校) or received: the same as the ledger's school filter. */
const tookPart = (a: LedgerActivity, school: string) => a.hostSchool === school || a.schools.includes(school) || a.givingSchool === school || a.receivers.includes(school);

function kindSchoolTable(ledger: Ledger): Table {
  const kinds = countByKind(ledger.activities).map(([k]) => k);
  // One school's summary counts that school only: its activities are a subset of the others'.
  const schools = ledger.focusSchool ? [ledger.focusSchool] : ledger.schools.map((s) => s.fullName);
  const cell = (text: string, bold = false) => new TableCell({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ text, bold })] })] });
  const involved = (a: LedgerActivity, s: string) => s === ledger.focusSchool || tookPart(a, s);
  const header = new TableRow({ tableHeader: true, children: [cell("活动类型", true), ...schools.map((s) => cell(s, true)), cell("合计", true)] });
  const rows = kinds.map((k) => {
    const ofKind = ledger.activities.filter((a) => a.kind === k);
    return new TableRow({ children: [cell(k), ...schools.map((s) => cell(String(ofKind.filter((a) => involved(a, s)).length))), cell(String(ofKind.length))] });
  });
  return new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, rows: [header, ...rows] });
}

export function summaryParagraphs(input: SummaryInput): { heading: string; lines: string[] }[] {
  const { ledger } = input;
  const acts = ledger.activities;
  const core = ledger.schools.filter((s) => s.role === "core").map((s) => s.fullName);
  const members = ledger.schools.filter((s) => s.role === "member").map((s) => s.fullName);
  const teachers = new Set(acts.flatMap((a) => a.people));
  const byKind = countByKind(acts);
  const people = acts.reduce((n, a) => n + (a.headcount ?? 0), 0);
  const quiet = ledger.focusSchool ? (acts.length === 0 ? [ledger.focusSchool] : []) : ledger.schools.filter((s) => !acts.some((a) => tookPart(a, s.fullName))).map((s) => s.fullName);
  const idlePairs = ledger.pairs.filter((pr) => pr.activities === 0);
  return [
    {
      heading: "一、基本情况",
      lines: [
        `${ledger.community.name}由${core.length ? `核心校${core.join("、")}` : ""}${members.length ? `和成员校${members.join("、")}` : ""}共${ledger.schools.length}所学校组成。`,
        `${input.termName}${input.termName.includes(input.range.from) ? "" : `（${input.range.from}至${input.range.to}）`}，共同体登记师徒结对${ledger.pairs.length}对，参与授课、讲座的教师${teachers.size}人。`,
      ],
    },
    {
      heading: "二、主要做法与成效",
      lines: [
        acts.length ? `本学期共开展活动${acts.length}次，其中${byKind.map(([k, n]) => `${k}${n}次`).join("、")}，参与${people}人次。` : "本学期还没有登记活动。",
        ...highlights(acts).map(highlightLine),
      ],
    },
    {
      heading: "三、存在的问题",
      lines: [
        `${EDIT_MARK}以下根据登记数据生成：`,
        ...(input.behind === null
          ? []
          : input.behind.length
            ? [`尚未完成的目标${input.behind.length}项：${input.behind.slice(0, MAX_BEHIND).join("；")}${input.behind.length > MAX_BEHIND ? `等` : ""}。`]
            : ["各项目标均已完成。"]),
        ...(quiet.length ? [`本学期没有活动记录的学校：${quiet.join("、")}。`] : []),
        ...(idlePairs.length ? [`没有活动记录的师徒结对：${idlePairs.map((x) => `${x.mentor}—${x.mentee}`).join("、")}。`] : []),
      ],
    },
    {
      heading: "四、下一步打算",
      lines: ["（一）【请填写】下学期重点推进的活动与目标：", "（二）【请填写】针对上述问题的改进措施：", "（三）【请填写】需要教育局或核心校支持的事项："],
    },
  ];
}

export async function summaryDocx(whole: SummaryInput): Promise<Buffer> {
  // A summary reports what was done: planned activities (dated after today) are left out.
  const input = { ...whole, ledger: { ...whole.ledger, activities: whole.ledger.activities.filter((a) => !a.planned) } };
  const sections = summaryParagraphs(input);
  const children: (Paragraph | Table)[] = [
    new Paragraph({
      alignment: AlignmentType.CENTER,
      heading: HeadingLevel.TITLE,
      children: [new TextRun({ text: summaryTitle(input), bold: true, size: 36, font: { ...FONT, eastAsia: "黑体" } })],
      spacing: { after: 240 },
    }),
  ];
  for (const s of sections) {
    children.push(h(s.heading));
    for (const line of s.lines) children.push(p(line, { indent: !line.startsWith("（") }));
    if (s.heading.startsWith("二") && input.ledger.activities.length) children.push(kindSchoolTable(input.ledger));
  }
  const doc = new Document({
    creator: "教联体助手",
    title: summaryTitle(input),
    styles: { default: { document: { run: { font: FONT, size: 28 } } } },
    sections: [{ children }],
  });
  return Packer.toBuffer(doc);
}
