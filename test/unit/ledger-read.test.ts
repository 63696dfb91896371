/** Reading ledgers in the shapes schools keep: merged titles, own header words, mixed dates, cover sheets, GB18030 CSV. */
import { describe, expect, it } from "vitest";
import { readLedger } from "../../core/ledger/read.ts";
import { messyLedger, xlsx } from "../support/ledgers.ts";

describe("readLedger", () => {
  it("finds the header under a merged title, maps its own words in any order, and reads Excel dates, serials and text", async () => {
    const read = await readLedger(await messyLedger(), "台账.xlsx");
    if (!read.ok) throw new Error(read.reason);
    expect(read.headerLine).toBe(3);
    expect(read.rows.map((r) => r.line)).toEqual([4, 5, 7, 8, 9, 10, 11, 12, 13]); // the blank line 6 left out
    expect(read.rows[0]?.values).toEqual({ kind: "送教下乡", date: "2026-09-18", host: "郝家也", subject: "语文", title: "《秋天的雨》", people: "张老师", headcount: "35" });
    expect(read.rows[1]?.values).toMatchObject({ kind: "听课", date: "2026年10月9日", schools: "郝家也、双庙", headcount: "12人", notes: "效果很好" });
    expect(read.rows[3]?.values.date).toBe("2026-10-25"); // Excel serial 46320
  });

  it("skips a cover sheet and reads the ledger on the next one", async () => {
    const file = await xlsx((wb) => {
      wb.addWorksheet("填表说明").addRow(["请按学期填写，每行一次活动"]);
      const s = wb.addWorksheet("活动记录");
      s.addRow(["活动日期", "主办校", "类型（必填）", "人数"]);
      s.addRow(["11月5日", "双庙", "专题讲座", 40]);
    });
    const read = await readLedger(file, "ledger.xlsx");
    expect(read).toMatchObject({ ok: true, sheet: "活动记录", rows: [{ line: 2, values: { date: "11月5日", host: "双庙", kind: "专题讲座", headcount: "40" } }] });
  });

  it("reads a CSV saved by Excel on Chinese Windows (GB18030) and one in UTF-8 with a BOM", async () => {
    const text = "日期,活动类型,主办学校,人数\r\n2026-11-03,教研活动,二小,20\r\n";
    // Node has no GB18030 encoder: the bytes of the header written by hand (日期,活动类型,主办学校,人数).
    const header = Buffer.from("c8d5c6da2cbbeeb6afc0e0d0cd2cd6f7b0ecd1a7d0a32cc8cbcafd0d0a", "hex");
    const gbk = Buffer.concat([header, Buffer.from("2026/11/3,"), Buffer.from("bdccd1d0bbeeb6af", "hex"), Buffer.from(","), Buffer.from("b6fed0a1", "hex"), Buffer.from(",20\r\n")]);
    const fromGbk = await readLedger(gbk, "台账.csv");
    expect(fromGbk).toMatchObject({ ok: true, rows: [{ line: 2, values: { date: "2026/11/3", kind: "教研活动", host: "二小", headcount: "20" } }] });
    const fromUtf8 = await readLedger(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]), "台账.csv");
    // Kept as typed, not turned into a Date at the server's local midnight.
    expect(fromUtf8).toMatchObject({ ok: true, rows: [{ values: { date: "2026-11-03", kind: "教研活动" } }] });
  });

  it("refuses a file that is not a spreadsheet and a sheet without a ledger header, in Chinese", async () => {
    expect(await readLedger(Buffer.from("%PDF-1.4 not a sheet"), "总结.xlsx")).toEqual({ ok: false, reason: expect.stringMatching(/读不出来.*xlsx/) });
    const noHeader = await xlsx((wb) => wb.addWorksheet("Sheet1").addRow(["张三", "李四"]));
    expect(await readLedger(noHeader, "名单.xlsx")).toEqual({ ok: false, reason: expect.stringMatching(/没找到表头：需要有「日期」和「活动类型」两列/) });
  });
});
