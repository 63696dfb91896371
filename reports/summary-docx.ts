/**
 * The term summary (工作总结) as a .docx, formatted as a school types one: A4 with the usual
 * official-document margins, title in 黑体, first-level headings in 黑体 and second-level in bold
 * 宋体, all black; body 宋体 四号 at 1.5 lines with a two-character indent; the closing name and
 * date right-aligned. The words come from core/summary/compose.ts.
 */
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableLayoutType, TableRow, TextRun, VerticalAlign, WidthType } from "docx";
import { composeSummary } from "../core/summary/compose.ts";
import type { SummaryBlock, SummaryInput } from "../core/summary/types.ts";

export type { SummaryInput };

const LATIN = "Times New Roman";
const SONG = { ascii: LATIN, hAnsi: LATIN, eastAsia: "宋体", cs: LATIN };
const HEI = { ascii: LATIN, hAnsi: LATIN, eastAsia: "黑体", cs: LATIN };
const BLACK = "000000";
/** Half-points: 四号 14pt body, 三号 16pt headings, 二号 22pt title, 五号 10.5pt table. */
const SIZE = { body: 28, heading: 32, title: 44, table: 21 };
/** A4 in twips, margins of GB/T 9704 (3.7 / 3.5 / 2.8 / 2.6 cm). */
const PAGE = { width: 11906, height: 16838, top: 2098, bottom: 1984, left: 1587, right: 1474 };
const TEXT_WIDTH = PAGE.width - PAGE.left - PAGE.right;
/** One CJK character of the table font, in twips (10.5pt), and a cell's left+right padding. */
const TABLE_CHAR = 210;
const CELL_PAD = 240;

const run = (text: string, opts: { font?: typeof SONG; size?: number; bold?: boolean } = {}) =>
  new TextRun({ text, font: opts.font ?? SONG, size: opts.size ?? SIZE.body, bold: opts.bold ?? false, color: BLACK });

const body = (text: string) => new Paragraph({ children: [run(text)], indent: { firstLine: SIZE.body * 20 }, spacing: { line: 360 }, alignment: AlignmentType.JUSTIFIED });
const heading = (text: string) => new Paragraph({ children: [run(text, { font: HEI, size: SIZE.heading })], spacing: { before: 240, after: 120, line: 360 }, keepNext: true });
const subHeading = (text: string) => new Paragraph({ children: [run(text, { bold: true })], indent: { firstLine: SIZE.body * 20 }, spacing: { before: 120, line: 360 }, keepNext: true });

/**
 * The table's columns sized so no school name breaks: the first column is as wide as the
 * longest name; the counts share what is left.
 */
function table(block: Extract<SummaryBlock, { type: "table" }>): Table {
  const longest = Math.max(...[block.header[0] ?? "", ...block.rows.map((r) => r[0] ?? "")].map((s) => s.length));
  const first = Math.min(Math.round(TEXT_WIDTH * 0.45), longest * TABLE_CHAR + CELL_PAD);
  const rest = block.header.length - 1;
  const other = Math.floor((TEXT_WIDTH - first) / rest);
  const widths = [first, ...Array.from({ length: rest }, () => other)];
  const cell = (text: string, i: number, bold: boolean) =>
    new TableCell({
      width: { size: widths[i] ?? other, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      children: [new Paragraph({ alignment: i === 0 && !bold ? AlignmentType.LEFT : AlignmentType.CENTER, children: [run(text, { size: SIZE.table, bold })] })],
    });
  const header = new TableRow({ tableHeader: true, cantSplit: true, children: block.header.map((h, i) => cell(h, i, true)) });
  const rows = block.rows.map((r, ri) => new TableRow({ cantSplit: true, children: r.map((c, i) => cell(c, i, ri === block.rows.length - 1 && r[0] === "共同体合计")) }));
  return new Table({ layout: TableLayoutType.FIXED, columnWidths: widths, width: { size: TEXT_WIDTH, type: WidthType.DXA }, rows: [header, ...rows] });
}

/** Title characters that fit one line at 二号 on this page. */
const TITLE_FITS = Math.floor(TEXT_WIDTH / (SIZE.title * 10));

/**
 * A long title on two centred lines, broken where a school would break it: the community's (or
 * school's) name, then "…学期工作总结"; never one character left on the second line.
 */
function titleLines(title: string): string[] {
  if (title.length <= TITLE_FITS) return [title];
  const at = title.search(/\d{4}年[春秋]季学期工作总结$|(?:20\d\d-\d\d-\d\d至20\d\d-\d\d-\d\d)工作总结$/);
  return at > 0 ? [title.slice(0, at), title.slice(at)] : [title];
}

export async function summaryDocx(input: SummaryInput): Promise<Buffer> {
  const doc = composeSummary(input);
  const children: (Paragraph | Table)[] = [
    ...titleLines(doc.title).map(
      (line, i, all) =>
        new Paragraph({ alignment: AlignmentType.CENTER, children: [run(line, { font: HEI, size: SIZE.title })], spacing: { after: i === all.length - 1 ? 360 : 0, line: SIZE.title * 15 } }),
    ),
    body(doc.opening),
  ];
  for (const s of doc.sections) {
    children.push(heading(s.heading));
    for (const b of s.blocks) {
      if (b.type === "p") children.push(body(b.text));
      else if (b.type === "sub") children.push(subHeading(b.text));
      else children.push(table(b), new Paragraph({ children: [], spacing: { after: 120 } }));
    }
  }
  children.push(
    new Paragraph({ children: [], spacing: { before: 240 } }),
    ...doc.closing.map((line) => new Paragraph({ alignment: AlignmentType.RIGHT, children: [run(line)], spacing: { line: 360 } })),
  );
  const document = new Document({
    creator: "教联体助手",
    title: doc.title,
    styles: { default: { document: { run: { font: SONG, size: SIZE.body, color: BLACK } } } },
    sections: [{ properties: { page: { size: { width: PAGE.width, height: PAGE.height }, margin: { top: PAGE.top, bottom: PAGE.bottom, left: PAGE.left, right: PAGE.right } } }, children }],
  });
  return Packer.toBuffer(document);
}
