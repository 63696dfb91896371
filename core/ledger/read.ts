/**
 * Reading a ledger (台账) a school already keeps, as .xlsx or .csv, into rows of named fields.
 * Real ledgers have a title (often merged across the columns) and a blank row or two above the
 * header, Chinese headers in any order and with their own words (活动形式, 承办学校, 执教教师…),
 * dates as Excel dates, Excel serial numbers or text, and empty rows between terms.
 * Pure apart from parsing the bytes with exceljs; the values stay text for the /记录 recognizers.
 */
import { Readable } from "node:stream";
import ExcelJS from "exceljs";

/** The fields a column can fill, named as /记录's fields are. */
export type LedgerField = "kind" | "date" | "host" | "schools" | "subject" | "title" | "people" | "headcount" | "notes";

/** Header words, longest first within a field so 「活动类型」 is not read as 「活动」 of another. */
const HEADERS: readonly [LedgerField, readonly string[]][] = [
  ["date", ["活动日期", "活动时间", "日期", "时间"]],
  ["kind", ["活动类型", "活动形式", "活动类别", "活动项目", "类型", "形式", "类别", "项目"]],
  ["host", ["主办学校", "承办学校", "主办单位", "承办单位", "活动地点", "主办校", "承办校", "主办", "承办", "地点"]],
  ["schools", ["参与学校", "参加学校", "参与单位", "参加单位", "参与校", "参加校", "参与"]],
  ["subject", ["学科", "科目"]],
  ["title", ["课题名称", "活动主题", "活动内容", "课题", "主题", "内容", "题目"]],
  ["people", ["主讲教师", "执教教师", "授课教师", "主讲人", "执教人", "主讲", "执教", "授课"]],
  ["headcount", ["参与人数", "参加人数", "人数"]],
  ["notes", ["备注", "说明"]],
];

export interface LedgerRow {
  /** The row number as the spreadsheet shows it (1-based), for refusals people can find. */
  line: number;
  values: Partial<Record<LedgerField, string>>;
}

export type LedgerRead = { ok: true; headerLine: number; columns: LedgerField[]; rows: LedgerRow[]; sheet: string } | { ok: false; reason: string };

const HEADER_SEARCH_ROWS = 15;
export const MAX_LEDGER_ROWS = 5000;

/** The field a header cell names, if any ("活动类型（必填）" is 活动类型). */
function fieldOfHeader(text: string): LedgerField | undefined {
  const t = text.replace(/[\s*＊:：]/g, "").replace(/[（(].*[)）]$/, "");
  for (const [field, words] of HEADERS) if (words.includes(t)) return field;
  return undefined;
}

/** A cell as text: Excel dates as YYYY-MM-DD, formulas by their result, rich text joined. */
export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("richText" in value) return value.richText.map((r) => r.text).join("");
    if ("text" in value) return String(value.text);
    if ("error" in value) return "";
  }
  return String(value).trim();
}

/** An Excel serial day (45981) typed into a date column, as YYYY-MM-DD; anything else unchanged. */
function dateText(text: string): string {
  if (!/^\d{5}(\.\d+)?$/.test(text)) return text;
  const serial = Math.floor(Number(text));
  // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug included).
  return new Date(Date.UTC(1899, 11, 30) + serial * 86_400_000).toISOString().slice(0, 10);
}

function readSheet(sheet: ExcelJS.Worksheet): LedgerRead {
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      // A merged title spans the columns: only its first cell holds the text.
      cells[c - 1] = cell.isMerged && cell.master !== cell ? "" : cellText(cell.value);
    });
    grid[n - 1] = cells;
  });
  for (let h = 0; h < Math.min(grid.length, HEADER_SEARCH_ROWS); h++) {
    const header = (grid[h] ?? []).map((t) => (t ? fieldOfHeader(t) : undefined));
    const named = new Set(header.filter(Boolean));
    if (!named.has("kind") || !named.has("date")) continue;
    const rows: LedgerRow[] = [];
    for (let r = h + 1; r < grid.length; r++) {
      const cells = grid[r] ?? [];
      const values: LedgerRow["values"] = {};
      header.forEach((field, c) => {
        const text = (cells[c] ?? "").trim();
        if (!field || text === "") return;
        values[field] = values[field] ? `${values[field]}、${text}` : field === "date" ? dateText(text) : text;
      });
      if (Object.keys(values).length > 0) rows.push({ line: r + 1, values });
    }
    return { ok: true, headerLine: h + 1, columns: [...named] as LedgerField[], rows, sheet: sheet.name };
  }
  return { ok: false, reason: "没找到表头：需要有「日期」和「活动类型」两列（列名可以是 时间、活动形式 等），放在前 15 行里。" };
}

/** CSV saved by Excel on Chinese Windows is GB18030, not UTF-8: decode whichever it is. */
function decodeCsv(bytes: Buffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

/** Reads the first sheet that has a ledger header (an .xlsx may have a cover or notes sheet first). */
export async function readLedger(bytes: Buffer, fileName: string): Promise<LedgerRead> {
  const wb = new ExcelJS.Workbook();
  const isCsv = /\.csv$/i.test(fileName);
  try {
    if (isCsv) await wb.csv.read(Readable.from([decodeCsv(bytes)]), { map: (value: unknown) => value } as never);
    else await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    return { ok: false, reason: isCsv ? "这个 CSV 文件读不出来，请用 Excel 另存为 .xlsx 再试。" : "这个文件读不出来：请上传 Excel（.xlsx）或 CSV 文件（旧版 .xls 请先另存为 .xlsx）。" };
  }
  let first: LedgerRead | undefined;
  for (const sheet of wb.worksheets) {
    const read = readSheet(sheet);
    if (read.ok) return read.rows.length > MAX_LEDGER_ROWS ? { ok: false, reason: `一次最多导入 ${MAX_LEDGER_ROWS} 行，这个表有 ${read.rows.length} 行，请分开导入。` } : read;
    first ??= read;
  }
  return first ?? { ok: false, reason: "文件里没有工作表。" };
}
