/**
 * One sheet as a table in a streaming workbook: Chinese headers, a frozen header row, a filter on
 * it, column widths that fit what is in them, and dates as real dates (not text). Every workbook
 * the bot writes goes through here, so here text that looks like a formula is kept text.
 */
import type ExcelJS from "exceljs";

export type CellValue = string | number | Date | null | { text: string; hyperlink: string };

export interface Column<R> {
  header: string;
  value: (row: R) => CellValue;
  /** "date" cells get a date format, "datetime" date and time; everything else is shown as it is. */
  type?: "date" | "datetime";
}

const MAX_WIDTH = 60;

/**
 * OWASP's CSV-injection advice: a cell starting with = + - @ (or a tab or carriage return) becomes
 * a live formula once someone edits the cell or the sheet travels as CSV; prefixing a single quote
 * keeps it text everywhere. Titles and notes are typed by any member, so every text cell is checked.
 */
const FORMULA_START = /^[=+\-@\t\r]/;
export const formulaSafe = (text: string): string => (FORMULA_START.test(text) ? `'${text}` : text);

function safeCell(v: CellValue): CellValue {
  if (typeof v === "string") return formulaSafe(v);
  if (v && typeof v === "object" && !(v instanceof Date)) return { ...v, text: formulaSafe(v.text) };
  return v;
}

/** Display width: a Chinese character takes two columns of a Latin one. */
function widthOf(v: CellValue): number {
  if (v === null) return 0;
  if (v instanceof Date) return 16;
  const text = typeof v === "object" ? v.text : String(v);
  let w = 0;
  for (const ch of text) w += /[\u2e80-\uffff]/.test(ch) ? 2 : 1;
  return w;
}

/** Excel refuses sheet names over 31 characters or with []:*?/\ in them, and duplicates. */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, "·").slice(0, 28) || "表";
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
  taken.add(name);
  return name;
}

export function addTable<R>(workbook: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: readonly Column<R>[], rows: readonly R[]): void {
  const sheet = workbook.addWorksheet(name, { views: [{ state: "frozen", ySplit: 1 }] });
  const cells = rows.map((r) => columns.map((c) => safeCell(c.value(r))));
  sheet.columns = columns.map((c, i) => ({
    header: c.header,
    key: `c${i}`,
    width: Math.min(MAX_WIDTH, Math.max(widthOf(c.header), ...cells.map((row) => widthOf(row[i] ?? null))) + 2),
    ...(c.type ? { style: { numFmt: c.type === "date" ? "yyyy-mm-dd" : "yyyy-mm-dd hh:mm" } } : {}),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  for (const row of cells) sheet.addRow(row).commit();
  sheet.commit();
}
