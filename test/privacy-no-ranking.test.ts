/**
 * No rankings of teachers (教师厅〔2025〕2号: 留痕资料 and 台账 may not evaluate teachers one by
 * one): /进度, /周报, the ledger and the summary compare schools and pairs against targets and
 * never count activities per teacher. One teacher records four times as much as another: no
 * output names either of them with a number of activities, and no sheet or section is per teacher.
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "r".repeat(40) });
});
afterAll(async () => app?.close());

/** "<name> … 4次/项/条/次活动" or "<name>（4）": a count next to a person's name. */
const countedNextTo = (name: string) => new RegExp(`${name}[^\\n]{0,8}?\\d+\\s*(次|项|条|个|场|节)|${name}\\s*[（(：:]\\s*\\d+`);

describe("no rankings of teachers", () => {
  it("/进度, /周报, the ledger and the summary count schools and pairs, never teachers", async () => {
    const admin = await boundGroup(app);
    const busy = admin.as(unique("u"), `勤${unique("").slice(0, 4)}`);
    const quiet = admin.as(unique("u"), `静${unique("").slice(0, 4)}`);
    await admin.says(`/成员 ${busy.userName} 二小 教师`);
    await admin.says(`/成员 ${quiet.userName} 郝家也 教师`);
    for (const d of ["11月16日", "11月17日", "11月18日", "11月19日"]) await busy.says(`/记录 示范课 ${d} 二小 参与=郝家也 主讲=${busy.userName}`);
    await quiet.says(`/记录 听评课 11月20日 郝家也 主讲=${quiet.userName}`);
    await admin.says(`/成员 ${admin.userName} 二小 校长`);

    const texts = [await admin.says("/进度"), await admin.says("/进度 详细"), await admin.says("/进度 二小"), await admin.says("/周报")];
    const dm = new Chat(app, admin.userId, admin.userId, admin.userName);
    const ledgerUrl = /https?:\/\/\S+\/d\/[A-Za-z0-9_.-]+/.exec(await dm.says("/导出 台账", { chatType: "direct" }))?.[0] ?? "";
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await (await fetch(ledgerUrl)).arrayBuffer()) as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).not.toContainEqual(expect.stringMatching(/教师|个人|排名|排行/));
    const progress = wb.getWorksheet("目标进度");
    const progressText: string[] = [];
    progress?.eachRow((r) => void progressText.push((r.values as unknown[]).join(" ")));
    texts.push(progressText.join("\n"));
    const summaryUrl = /https?:\/\/\S+\/d\/[A-Za-z0-9_.-]+/.exec(await dm.says("/导出 总结", { chatType: "direct" }))?.[0] ?? "";
    const zip = await JSZip.loadAsync(await (await fetch(summaryUrl)).arrayBuffer());
    texts.push(((await zip.file("word/document.xml")?.async("string")) ?? "").replace(/<[^>]+>/g, ""));

    for (const text of texts) {
      expect(text).not.toMatch(/排名|排行|名次|第一名/);
      for (const name of [busy.userName, quiet.userName]) expect(text).not.toMatch(countedNextTo(name));
    }
    // Schools are what is compared: the progress names them.
    expect(texts[1]).toMatch(/清涧县第二小学|二小/);
  });
});
