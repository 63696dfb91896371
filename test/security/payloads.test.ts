/**
 * What users type, rendered elsewhere: markdown in chat cards and pushes, formulas in workbooks,
 * and words long enough to stall a matcher.
 */
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { markdownSafe } from "../../bot/markdown.ts";
import { findSchools } from "../../commands/core/recognize.ts";
import { addTable } from "../../reports/xlsx-table.ts";

/** Markdown constructs that make a link, image, heading, quote, emphasis or code out of text. */
const LIVE_MARKDOWN = /\[[^\]]*\]\([^)]*\)|!\[|^#{1,6}\s|^>\s|\*\*|`|<https?:/m;

describe("markdown from user text", () => {
  it.each(["《[点此重新登录](http://evil.example/login)》", "![图](http://evil.example/x.png)", "# 紧急通知", "> 引用", "**加粗**", "`code`", "<http://evil.example>", "[a]\n(http://evil.example)"])(
    "%s cannot render as markdown",
    (payload) => {
      expect(markdownSafe(`已记录 #1 示范课 ${payload}`)).not.toMatch(LIVE_MARKDOWN);
      expect(markdownSafe(payload)).not.toMatch(LIVE_MARKDOWN);
    },
  );

  it("leaves the bot's own links and ordinary Chinese text exactly as they were", () => {
    const link = "http://127.0.0.1:3000/f/eyJhIjoxfQ.ab_cd-EF";
    expect(markdownSafe(`请打开 ${link}\n24小时内有效。`)).toBe(`请打开 ${link}\n24小时内有效。`);
    expect(markdownSafe("已记录 #3 示范课（11月20日，二小）《分数的意义》")).toBe("已记录 #3 示范课（11月20日，二小）《分数的意义》");
  });
});

async function roundTrip(values: string[]): Promise<unknown[]> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => out.on("end", r));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false });
  addTable(
    wb,
    "表",
    [
      { header: "课题", value: (v: string) => v },
      { header: "链接", value: (v: string) => ({ text: v, hyperlink: "https://example.edu.cn/" }) },
    ],
    values,
  );
  await wb.commit();
  await done;
  const read = new ExcelJS.Workbook();
  await read.xlsx.load(Buffer.concat(chunks) as never);
  const sheet = read.worksheets[0]!;
  return values.flatMap((_, i) => [sheet.getRow(i + 2).getCell(1).value, (sheet.getRow(i + 2).getCell(2).value as { text: string }).text]);
}

describe("formula-looking text in workbooks", () => {
  it("is written with a quote prefix so it stays text (OWASP CSV injection)", async () => {
    const payloads = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1"];
    const cells = await roundTrip(payloads);
    for (const c of cells) expect(String(c)).toMatch(/^'/);
    expect(await roundTrip(["分数的意义", "2026年总结"])).toEqual(["分数的意义", "分数的意义", "2026年总结", "2026年总结"]);
  });
});

describe("the school matcher", () => {
  const schools = Array.from({ length: 60 }, (_, i) => ({ id: i, fullName: `杨庄乡第${i}中心小学`, shortNames: [`杨庄${i}`], role: "member" as const }));

  it("still finds a school by its everyday name (start of the name + its ending)", () => {
    expect(findSchools("杨庄乡第7小学", schools).map((s) => s.id)).toEqual([7]);
    expect(findSchools("杨庄7小学", schools).map((s) => s.id)).toEqual([7]);
  });

  it("does not stall on a 4,000-character word (it was quadratic in the word's length)", () => {
    const word = "杨庄乡第".repeat(1000);
    const start = performance.now();
    for (let i = 0; i < 10; i++) expect(findSchools(word, schools)).toEqual([]);
    expect(performance.now() - start).toBeLessThan(200);
  });
});
