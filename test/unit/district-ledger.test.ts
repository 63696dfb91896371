/** The district workbook's summary sheet, written by the real writer and read back with exceljs. */
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { writeDistrictLedger } from "../../reports/ledger-xlsx.ts";

async function summarySheet(nextMeeting: Date): Promise<ExcelJS.Worksheet> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise((r) => out.on("end", r));
  const row = { community: "甲共同体", schools: 3, activities: 2, lastActivity: "2026-11-20", met: 1, total: 5, holdingBack: "杨庄小学", nextMeeting };
  async function* none() {}
  await writeDistrictLedger(out, [row], none(), () => undefined);
  await done;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return wb.getWorksheet("汇总")!;
}

describe("district workbook", () => {
  it("shows the next joint meeting on Beijing's wall clock: 07:30 on the 12th is not the 11th", async () => {
    const sheet = await summarySheet(new Date("2026-12-11T23:30:00Z"));
    const headers = sheet.getRow(1).values as unknown[];
    const cell = sheet.getRow(2).getCell(headers.indexOf("下次联席会议")).value as Date;
    expect(cell.toISOString().slice(0, 16)).toBe("2026-12-12T07:30");
  });
});
