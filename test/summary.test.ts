/**
 * The term summary (/导出 总结) against a full term typed through the real pipeline: every figure
 * it states agrees with /进度 and the ledger for the same data, it is written in the seeds' shape,
 * and every person, title and date in it comes from a live record.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { startTestApp, TEST_NOW } from "./support/harness.ts";
import { ARTIFACTS, ensureTools, PACKAGES } from "./support/render-tools.ts";
import { docxParagraphs, fullTerm, patiently } from "./support/summary-term.ts";

const missing = ensureTools();
if (missing) console.warn(`⚠️ SKIPPING the rendered-summary test: ${missing}. Install ${PACKAGES.join(" ")} to run it.`);

let app: App;
let clock = TEST_NOW;
/** One full term for every test here: typing it takes a while on a shared machine. */
let g: Awaited<ReturnType<typeof fullTerm>>;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "s".repeat(40) }, () => clock);
  g = await fullTerm(app, (at) => {
    clock = at;
  });
}, 600_000);
afterAll(async () => app?.close());

const linkIn = (text: string) => /https?:\/\/\S+\/d\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? "";

async function download(url: string): Promise<Buffer> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

const rowsOf = (sheet: ExcelJS.Worksheet) =>
  sheet
    .getSheetValues()
    .slice(2)
    .map((r) => (Array.isArray(r) ? r.slice(1) : []));

/** Names, titles and days typed into live records (and the meeting), for the "nothing invented" check. */
const LIVE = {
  people: ["张老师", "惠校长", "王老师", "李老师", "赵老师", "孙老师", "周老师", "王主任", "李校长", "刘校长"],
  titles: ["分数的意义", "课堂提问的艺术", "小学语文提问策略", "读书节", "计划中的课"],
};

describe("/导出 总结 over a full term", () => {
  it("states every figure as /进度 and the ledger do, in the seeds' shape, inventing nothing", async () => {
    const progress = await patiently(g, "/进度 全部");
    const doc = await docxParagraphs(await download(linkIn(await patiently(g, "/导出 总结"))));
    const text = doc.join("\n");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(linkIn(await patiently(g, "/导出 台账")))) as unknown as ArrayBuffer);
    const ledger = rowsOf(wb.getWorksheet("活动台账")!);
    const done = ledger.filter((r) => r[2] === "已开展");

    // Shape: opening, the four sections, the closing name and date.
    // A long title is set on two lines: the name, then the term's 工作总结.
    expect(doc.slice(0, 2)).toEqual([g.community, "2026年秋季学期工作总结"]);
    expect(doc[2]).toMatch(/^核心校清涧县第二小学与成员校郝家也中心小学、双庙中心小学结成.+现将2026年秋季学期共同体工作总结如下：$/);
    for (const h of ["一、基本情况", "二、主要做法与成效", "三、存在的问题", "四、下一步打算"]) expect(doc).toContain(h);
    expect(doc.slice(-2)).toEqual([g.community, "2026年11月22日"]);
    // 基本情况: leadership from the principals and the admin, the meeting rule, the cut-off (the term is not over).
    expect(text).toContain("共同体领导小组由各校校长组成：惠校长（清涧县第二小学）、李校长（郝家也中心小学）、刘校长（双庙中心小学）；王主任（清涧县第二小学）任管理员");
    expect(text).toContain("共同体坚持每月第一个周六9:00召开联席会议，地点一般在二小会议室，本学期已召开1次");
    expect(text).toContain("本总结统计截至2026年11月22日（本学期第12周，距学期结束还有11周）");
    expect(progress).toContain("剩 11 周");

    // Activities: the ledger's done rows, the planned one said apart.
    expect(text).toContain(`共同体活动已开展${done.length}次，另有1次已安排、尚未开展`);
    expect(ledger.filter((r) => r[2] === "计划")).toHaveLength(1);
    expect(text).toContain(`本学期共同体共开展活动${done.length}次`);
    const kinds = new Map<string, number>();
    for (const r of done) kinds.set(String(r[3]), (kinds.get(String(r[3])) ?? 0) + 1);
    for (const [k, n] of kinds) expect(text).toMatch(new RegExp(`其中[^。]*${k}${n}次`));
    // 人次 only from records with a headcount, and said so.
    const heads = done.filter((r) => typeof r[10] === "number");
    expect(text).toContain(`登记了参加人数的${heads.length}次活动共${heads.reduce((n, r) => n + Number(r[10]), 0)}人次参加`);
    // Teachers who taught or lectured: 张老师 and 惠校长, not 李老师 who only observed and wrote.
    expect(text).toContain("参与授课、讲座的教师2人");
    expect(text).toContain("张老师、惠校长等2名教师执教或主讲");

    // Pairs: the pair named together on a record has it, as /进度 counts it and the ledger's pair sheet says.
    const pairs = rowsOf(wb.getWorksheet("师徒结对")!);
    expect(pairs.map((r) => [r[0], r[2], r[6], r[7]])).toEqual([
      ["王老师", "李老师", 1, 0],
      ["赵老师", "孙老师", 0, 0],
      ["张老师", "周老师", 0, 0],
    ]);
    expect(progress).toMatch(/⚠️听评课：.*导师王老师（徒弟李老师） 1\/2/);
    expect(text).toContain("王老师与李老师开展结对活动1次；赵老师与孙老师、张老师与周老师尚无结对活动记录");
    expect(text).not.toMatch(/王老师与李老师[^。；]*尚无/);
    const targets = /共同体：(\d+) 项目标达成 (\d+) 项/.exec(progress);
    expect(targets).not.toBeNull();
    const [total, met] = [Number(targets?.[1]), Number(targets?.[2])];
    expect(text).toContain(`截至11月22日，共同体${total}项目标中已完成${met}项，还有${total - met}项未完成，距学期结束还有11周`);
    expect(rowsOf(wb.getWorksheet("目标进度")!)).toHaveLength(total);
    // Who holds the community back, as /进度 names it.
    const hb = /拖后腿的是 (\S+)（(?:各 )?(\d+) 项目标中还差 (\d+) 项）/.exec(progress);
    expect(hb).not.toBeNull();
    const full = { 二小: "清涧县第二小学", 郝家也: "郝家也中心小学", 双庙: "双庙中心小学" } as Record<string, string>;
    const named = (hb?.[1] ?? "").split("、").map((s) => full[s] ?? s);
    expect(text).toContain(`按捆绑考核，${named.join("、")}在${named.length > 1 ? "各自" : ""}承担的${hb?.[2]}项目标中还差${hb?.[3]}项`);

    // Areas with records only, in the seed's order; direction in sentences.
    const subs = doc.filter((p) => /^（[一二三四五六]）/.test(p));
    expect(subs).toEqual(["（一）管理与联席会议", "（二）送教与示范", "（三）教研与集体备课", "（四）师徒结对", "（五）学生活动与资源援助"]);
    expect(text).toContain("清涧县第二小学到郝家也中心小学开展示范课1次");
    expect(text).toContain("清涧县第二小学到双庙中心小学开展专题讲座1次");
    // A visit's direction is one visiting school (the first named) to the host, as /进度 counts it; the others took part.
    expect(text).toContain("郝家也中心小学到清涧县第二小学开展参观学习1次");
    expect(text).toContain("11月12日，郝家也中心小学到清涧县第二小学开展参观学习，双庙中心小学参加，共20人参加。");
    // Records by date with teachers, titles and notes.
    expect(text).toContain("9月15日，清涧县第二小学张老师到郝家也中心小学执教语文示范课《分数的意义》，共35人参加（郝家也全体语文教师参加评课）。");
    expect(text).toContain("11月16日，清涧县第二小学到双庙中心小学开展物资援助（捐赠图书200册）。");
    expect(text).toMatch(/11月14日，在清涧县第二小学召开联席会议，郝家也中心小学参加（纪要：商定12月送课安排）。/);
    expect(text.indexOf("9月15日，")).toBeLessThan(text.indexOf("10月9日，"));

    // Next steps from what is known: the planned record, the next meeting, the open action item.
    expect(text).toContain("12月10日清涧县第二小学张老师到双庙中心小学执教示范课《计划中的课》");
    expect(text).toContain("下次联席会议定于12月5日09:00在二小会议室召开，会上检查王主任12月10日前提交送课方案等待办事项的落实");
    const problems = doc.slice(doc.indexOf("三、存在的问题") + 1, doc.indexOf("四、下一步打算"));
    const steps = doc.slice(doc.indexOf("四、下一步打算") + 1, doc.length - 2);
    for (const part of [problems, steps]) {
      expect(part.length).toBeGreaterThanOrEqual(3);
      expect(part.length).toBeLessThanOrEqual(5);
      expect(part.filter((p) => p.includes("【请填写】"))).toHaveLength(1);
    }
    expect(text).not.toContain("没有活动记录的师徒结对");

    // Nothing invented: every title, teacher and date traces to a live record, the meeting or today.
    expect(text).not.toContain("撤销的讲座");
    expect(text).not.toContain("钱老师");
    for (const [, t] of text.matchAll(/《([^》]+)》/g)) expect(LIVE.titles).toContain(t);
    for (const [name] of text.matchAll(/(?<!各)[\u4e00-\u9fa5](?:老师|校长|主任)/g)) expect(LIVE.people).toContain(name);
    const days = new Set([...ledger.map((r) => (r[1] as Date).toISOString().slice(5, 10)), "11-14", "11-22", "12-05", "12-10"]);
    for (const [, m, d] of text.matchAll(/(\d+)月(\d+)日/g)) expect(days).toContain(`${m?.padStart(2, "0")}-${d?.padStart(2, "0")}`);
  }, 120_000);

  it("a principal's school version says 我校 and counts only what that school took part in", async () => {
    const principal = g.principal;
    const doc = await docxParagraphs(await download(linkIn(await patiently(principal, "/导出 总结"))));
    const text = doc.join("\n");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(linkIn(await patiently(principal, "/导出 台账")))) as unknown as ArrayBuffer);
    const done = rowsOf(wb.getWorksheet("活动台账")!).filter((r) => r[2] === "已开展");
    const progress = await patiently(g, "/进度 郝家也");

    expect(doc.slice(0, 2)).toEqual([`郝家也中心小学（${g.community}）`, "2026年秋季学期工作总结"]);
    expect(doc[2]).toMatch(/^我校（郝家也中心小学）是.+的成员校.+现将我校2026年秋季学期参与共同体工作的情况总结如下：$/);
    expect(text).toContain(`我校参与的共同体活动已开展${done.length}次`);
    expect(text).toContain(`本学期我校参与活动${done.length}次`);
    // Only its own pairs (a mentor or mentee of 郝家也), labelled as the school's.
    expect(text).toContain("我校教师登记师徒结对2对");
    expect(text).not.toContain("赵老师与孙老师");
    expect(text).not.toContain("共同体登记师徒结对");
    // No teacher of another school is counted as ours: 郝家也 gave no lesson or talk.
    expect(text).not.toContain("参与授课、讲座的教师");
    expect(text).not.toContain("张老师、惠校长");
    // The school's own standing, as /进度 for that school shows it.
    const own = /【郝家也中心小学】还差 (\d+) 项，已达标 (\d+) 项/.exec(progress);
    expect(own).not.toBeNull();
    const [behind, met] = [Number(own?.[1]), Number(own?.[2])];
    expect(text).toContain(`我校承担的${behind + met}项目标中已完成${met}项，还有${behind}项未完成`);
    expect(doc.slice(-2)).toEqual(["郝家也中心小学", "2026年11月22日"]);
  }, 120_000);

  /**
   * Looked at: the .docx opened by LibreOffice (laid out as WPS or Word would), pages 1–2 as PNG
   * in test/artifacts/ for a person to read, and checked where a machine can: glyphs from a CJK
   * font (no boxes), the headings, each school's name whole on its table row.
   */
  it.skipIf(missing !== null)(
    "renders pages 1–2 with CJK glyphs, the headings, and school names unbroken in the table",
    async () => {
      const url = linkIn(await patiently(g, "/导出 总结"));
      const res = await fetch(url);
      expect(res.status).toBe(200);
      mkdirSync(ARTIFACTS, { recursive: true });
      const docx = join(ARTIFACTS, "summary.docx");
      const pdf = join(ARTIFACTS, "summary.pdf");
      for (const f of [pdf, join(ARTIFACTS, "summary-page-1.png"), join(ARTIFACTS, "summary-page-2.png")]) rmSync(f, { force: true });
      writeFileSync(docx, Buffer.from(await res.arrayBuffer()));

      // Its own profile, so a LibreOffice already running elsewhere on the machine is not reused.
      const profile = `file:///tmp/lo-summary-${process.pid}`;
      execFileSync("soffice", [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "pdf", "--outdir", ARTIFACTS, docx], { stdio: "ignore", timeout: 180_000 });
      expect(existsSync(pdf)).toBe(true);
      execFileSync("pdftoppm", ["-png", "-r", "80", "-f", "1", "-l", "2", pdf, join(ARTIFACTS, "summary-page")], { timeout: 60_000 });
      for (const page of [1, 2])
        expect(
          readFileSync(join(ARTIFACTS, `summary-page-${page}.png`))
            .subarray(1, 4)
            .toString(),
        ).toBe("PNG");

      // Glyphs come from a CJK font (宋体/黑体 fall back to Noto CJK here), not from a font without Chinese.
      const fonts = execFileSync("pdffonts", [pdf]).toString();
      expect(fonts).toMatch(/CJK|Song|Hei|Ming|Sim/i);
      const layout = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
      for (const h of ["一、基本情况", "二、主要做法与成效", "三、存在的问题", "四、下一步打算"]) expect(layout).toContain(h);
      // pdftotext spaces CJK from digits and breaks lines: compare without whitespace.
      expect(layout.replace(/\s+/g, "")).toContain("现将2026年秋季学期共同体工作总结如下：");
      // In the table each row starts with a school's whole name (a wrapped cell would split it).
      for (const school of ["清涧县第二小学", "郝家也中心小学", "双庙中心小学"]) expect(layout).toMatch(new RegExp(`^\\s*${school}\\s+\\d+\\s+\\d+`, "m"));
    },
    300_000,
  );
});
