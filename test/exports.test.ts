/**
 * Ledgers (xlsx) and term summaries (docx) behind signed links, read back with real readers,
 * and the district view, through the real pipeline on a fixed clock.
 */
import ExcelJS from "exceljs";
import JSZip from "jszip";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp, TEST_NOW } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let app: App;
let clock = TEST_NOW;
beforeAll(async () => {
  app = await startTestApp({ FORM_SECRET: "z".repeat(40) }, () => clock);
});
afterAll(async () => app?.close());

const linkIn = (text: string) => /https?:\/\/\S+\/d\/[A-Za-z0-9_.-]+/.exec(text)?.[0] ?? "";

async function workbook(url: string): Promise<ExcelJS.Workbook> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("spreadsheetml");
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
  return wb;
}

const rowsOf = (sheet: ExcelJS.Worksheet) =>
  sheet
    .getSheetValues()
    .slice(2)
    .map((r) => (Array.isArray(r) ? r.slice(1) : []));

/** A community with a term's worth of records, one edited and one revoked. */
async function community() {
  const g = await boundGroup(app);
  const principal = await g.member("李校长", "郝家也 校长");
  await g.says("/记录 示范课 11月20日 二小 参与=郝家也 语文 《分数的意义》 35人 主讲=张老师");
  await g.says("/记录 听评课 11月18日 郝家也 数学 12人");
  await g.says("/记录 集体备课 11月10日 二小 参与=双庙 备注=第一次");
  await g.says("/记录 专题讲座 11月5日 双庙");
  await g.says("/修改 3 人数=20");
  await g.says("/撤销 4");
  await g.says("/结对 王老师 李老师 语文");
  await g.says("/记录 示范课 12月10日 二小 参与=双庙 《计划中的课》"); // #5, after today (11-22): planned
  return Object.assign(g, { principal });
}

describe("/导出 台账", () => {
  it("an admin gets the whole community's ledger: real dates, current values, no revoked rows, frozen filtered headers, an audit sheet (1:1 only)", async () => {
    const g = await community();
    // Asked in the group, every member there sees the file: no audit log in it.
    const inGroup = await workbook(linkIn(await g.says("/导出 台账")));
    expect(inGroup.worksheets.map((s) => s.name)).toEqual(["活动台账", "目标进度", "师徒结对", "联席会议", "待办事项"]);
    const reply = await g.says("/导出 台账", { chatType: "direct" });
    expect(reply).toMatch(/2026年秋季学期 全共同体活动台账/);
    const wb = await workbook(linkIn(reply));
    expect(wb.worksheets.map((s) => s.name)).toEqual(["活动台账", "目标进度", "师徒结对", "联席会议", "待办事项", "审计日志"]);
    const sheet = wb.getWorksheet("活动台账")!;
    expect(sheet.getRow(1).values).toEqual([
      undefined,
      "序号",
      "日期",
      "状态",
      "类型",
      "课题/主题",
      "给出校 → 接收校",
      "主办校",
      "参与校",
      "主讲/执教",
      "学科",
      "人数",
      "登记人",
      "确认",
      "备注",
      "照片",
    ]);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    const rows = rowsOf(sheet);
    // Hand-written expectation: revoked #4 left out, #3 shows its edited headcount, oldest first.
    expect(rows.map((r) => [r[0], r[2], r[3], r[10]])).toEqual([
      [3, "已开展", "集体备课", 20],
      [2, "已开展", "听评课", 12],
      [1, "已开展", "示范课", 35],
      [5, "计划", "示范课", undefined], // dated after today: a plan, marked so
    ]);
    expect(rows[0]?.[1]).toBeInstanceOf(Date);
    expect((rows[0]?.[1] as Date | undefined)?.toISOString()?.slice(0, 10)).toBe("2026-11-10");
    expect(rows[2]).toEqual(expect.arrayContaining(["分数的意义", "清涧县第二小学 → 郝家也中心小学", "张老师", "语文", "王主任"]));
    expect(rows[1]?.[5]).toBe("郝家也中心小学 校内"); // an internal 听评课 received by nobody
    expect(rows[0]?.[5]).toBe("清涧县第二小学 → 双庙中心小学");
    expect(sheet.getColumn(5).width ?? 0).toBeGreaterThanOrEqual(10);
    expect(rowsOf(wb.getWorksheet("师徒结对")!)).toHaveLength(1);
    const audit = rowsOf(wb.getWorksheet("审计日志")!);
    expect(audit.map((r) => r[2])).toEqual(expect.arrayContaining(["新建", "修改", "撤销"]));
    expect(audit.map((r) => r[3])).toEqual(expect.arrayContaining(["活动", "学校", "共同体"]));
    // 04:00 UTC is noon in Beijing: the sheet shows the community's wall clock.
    expect((audit[0]?.[0] as Date | undefined)?.toISOString()?.slice(0, 16)).toBe("2026-11-22T12:00");
  });

  it("lists progress per directed pair as the seeds judge it, and the joint meetings with their action items", async () => {
    const g = await boundGroup(app);
    await g.says("/成员 王主任 二小 管理员");
    const li = await g.member("李校长", "郝家也 校长");
    clock = new Date("2026-11-10T04:00:00Z");
    try {
      await g.says("/会议 安排 11月14日 9:00 二小会议室 送课安排");
      clock = new Date("2026-11-13T23:30:00Z"); // 07:30 in Beijing on the day
      expect(await li.says("/签到")).toMatch(/签到/);
    } finally {
      clock = TEST_NOW;
    }
    expect(await g.says("/纪要 讨论送课\n待办：@王主任 12月10日前 提交送课方案")).toMatch(/已记录/);
    await g.says("/记录 集体备课 11月10日 郝家也 主讲校=二小");
    await g.says("/记录 示范课 11月20日 二小 参与=郝家也");
    const wb = await workbook(linkIn(await g.says("/导出 台账")));
    const progress = rowsOf(wb.getWorksheet("目标进度")!);
    const row = (target: string, scope: string) => progress.find((r) => r[0] === target && r[1] === scope);
    // Seed 002: the core school's 集体备课 counts at the partner school (11-10 at 郝家也, given by 二小): 1 of 2.
    expect(row("集体备课", "二小→郝家也")?.slice(3, 8)).toEqual([2, 1, 0, 1, "未达标"]);
    // A 示范课 at the core school that 郝家也 merely attended is not delivered to 郝家也: 0 of 2.
    expect(row("示范课", "二小→郝家也")?.slice(3, 8)).toEqual([2, 0, 0, 2, "未达标"]);
    // The minutes made a 联席会议 activity hosted by 二小 that 郝家也 signed in to: 对口协作会议 for that pair.
    expect(row("对口协作会议", "二小—郝家也")?.[4]).toBe(1);
    const meetings = rowsOf(wb.getWorksheet("联席会议")!);
    expect(meetings).toHaveLength(1);
    expect(meetings[0]?.slice(1, 4)).toEqual(["二小会议室", "送课安排", "已记纪要"]);
    const items = rowsOf(wb.getWorksheet("待办事项")!);
    expect(items.map((r) => [r[0], r[2], r[3]])).toEqual([[1, "王主任", "提交送课方案"]]);
    expect((items[0]?.[4] as Date | undefined)?.toISOString()?.slice(0, 10)).toBe("2026-12-10");
  });

  it("a principal gets their own school by default, no audit sheet; a teacher gets nothing", async () => {
    const g = await community();
    const { principal } = g;
    const wb = await workbook(linkIn(await principal.says("/导出 台账")));
    expect(wb.worksheets.map((s) => s.name)).toEqual(["活动台账", "目标进度", "师徒结对", "联席会议", "待办事项"]);
    // Only the targets 郝家也 is accountable for.
    expect(rowsOf(wb.getWorksheet("目标进度")!).every((r) => String(r[2]).includes("郝家也中心小学"))).toBe(true);
    expect(rowsOf(wb.getWorksheet("活动台账")!).map((r) => r[0])).toEqual([2, 1]); // 郝家也 hosted #2, took part in #1
    expect(await g.as(unique("u"), "赵老师").says("/导出 台账")).toMatch(/只有管理员和校长/);
  });

  it("refuses a tampered, an expired and a no-longer-allowed link", async () => {
    const g = await community();
    const { principal } = g;
    const url = linkIn(await principal.says("/导出 台账"));
    const [base, token] = url.split("/d/") as [string, string];
    const [body, sig] = token.split(".") as [string, string];
    const other = JSON.parse(Buffer.from(body, "base64url").toString());
    const forged = `${base}/d/${Buffer.from(JSON.stringify({ ...other, c: other.c + 1 })).toString("base64url")}.${sig}`;
    expect((await fetch(forged)).status).toBe(403);
    expect((await fetch(`${url}x`)).status).toBe(403);
    // A form link, signed with the same secret, is not a download (was a 500 from the database).
    const formToken = /\/f\/([A-Za-z0-9_.-]+)/.exec(await g.says("/表单"))?.[1] ?? "";
    expect(formToken).not.toBe("");
    expect((await fetch(`${base}/d/${formToken}`)).status).toBe(403);
    clock = new Date(TEST_NOW.getTime() + 25 * 3600_000);
    try {
      expect((await fetch(url)).status).toBe(410);
    } finally {
      clock = TEST_NOW;
    }
    await g.says("/成员 李校长 郝家也 教师");
    const res = await fetch(url);
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/只有该共同体的管理员和校长/);
  });

  it("answers a bad range with an example", async () => {
    const g = await community();
    expect(await g.says("/导出 台账 2026-12-31 2026-09-01")).toMatch(/晚于结束日期/);
    expect(await g.says("/导出 台账 2026-09-01")).toMatch(/起止日期要写两个/);
    expect(await g.says("/导出")).toMatch(/例如：\/导出 台账/);
  });
});

describe("/导出 总结", () => {
  it("writes the seeds' four sections from the records, with counts and a named Chinese font", async () => {
    const g = await community();
    await g.says("/记录 示范课 11月12日 双庙到郝家也 《课堂提问的艺术》 主讲=刘老师");
    const res = await fetch(linkIn(await g.says("/导出 总结")));
    expect(res.status).toBe(200);
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const xml = (await zip.file("word/document.xml")?.async("string")) ?? "";
    const text = xml.replace(/<[^>]+>/g, "");
    for (const heading of ["一、基本情况", "二、主要做法与成效", "三、存在的问题", "四、下一步打算"]) expect(text).toContain(heading);
    expect(text).toContain("核心校清涧县第二小学与成员校郝家也中心小学、双庙中心小学结成");
    // 人次 only from the records that carry a headcount, and said so.
    expect(text).toContain("本学期共同体共开展活动4次，其中示范课2次、听评课1次、集体备课1次；登记了参加人数的3次活动共67人次参加");
    expect(text).toContain("11月20日，清涧县第二小学张老师执教语文示范课《分数的意义》，郝家也中心小学参加，共35人参加。");
    // Planned: not reported as done, only as a next step.
    expect(text.slice(0, text.indexOf("四、下一步打算"))).not.toContain("计划中的课");
    expect(text.slice(text.indexOf("四、下一步打算"))).toContain("12月10日清涧县第二小学开展示范课《计划中的课》");
    // The teacher is the giving school's, sent to the host: not called the host's teacher.
    expect(text).toContain("11月12日，双庙中心小学刘老师到郝家也中心小学执教示范课《课堂提问的艺术》。");
    expect(text).toContain("【请填写】");
    expect(text).not.toContain("11月5日"); // the revoked 专题讲座
    const styles = (await zip.file("word/styles.xml")?.async("string")) ?? "";
    expect(styles).toContain('w:eastAsia="宋体"');
  });

  it("a principal's summary is their own school's: its activities only, and no other school called inactive", async () => {
    const g = await community();
    const { principal } = g;
    const res = await fetch(linkIn(await principal.says("/导出 总结")));
    const zip = await JSZip.loadAsync(Buffer.from(await res.arrayBuffer()));
    const text = ((await zip.file("word/document.xml")?.async("string")) ?? "").replace(/<[^>]+>/g, "");
    // 郝家也 joined the 示范课 and hosted the 听评课; the 集体备课 was 二小 with 双庙.
    expect(text).toContain("本学期我校参与活动2次，其中示范课1次、听评课1次");
    expect(text).not.toContain("本学期没有活动记录的学校");
    expect(text).not.toContain("集体备课1次");
    expect(text).toContain(`郝家也中心小学（${g.community}）2026年秋季学期工作总结`);
    // Its targets name the partner school of each pair.
    expect(text).toContain("清涧县第二小学与我校的师徒结对（已完成0对，要求3对）");
    expect(text).not.toContain("未设学校");
    // The community's only mentor pair has no one from 郝家也: not this school's to answer for.
    expect(text).not.toContain("王老师与李老师");
  });
});

describe("/区县", () => {
  it("a bureau sees exactly the communities that joined it, and loses one that leaves", async () => {
    const bureau = new Chat(app, unique("dm"), unique("u"), "刘科长");
    const name = unique("安川县教育局");
    expect(await new Chat(app, unique("g"), unique("u"), "x").says(`/区县 创建 ${name}`)).toMatch(/请与我单聊/);
    const created = await bureau.says(`/区县 创建 ${name}`, { chatType: "direct" });
    const code = /加入码：([A-Z0-9]{8})/.exec(created)?.[1] ?? "";
    expect(code).not.toBe("");

    const one = await community();
    const two = await community();
    const outsider = await community();
    expect(await one.says(`/区县 绑定 ${name} WRONGCOD`)).toMatch(/加入码不对/);
    expect(await one.as(unique("u"), "赵老师").says(`/区县 绑定 ${name} ${code}`)).toMatch(/只有共同体管理员/);
    expect(await one.says(`/区县 绑定 ${name} ${code}`)).toMatch(/已加入/);
    expect(await two.says(`/区县 绑定 ${name} ${code.toLowerCase()}`)).toMatch(/已加入/);

    const progress = await bureau.says("/区县 进度", { chatType: "direct" });
    expect(progress).toMatch(/2 个共同体，6 次活动/);
    expect(progress).toMatch(new RegExp(`${one.community}：目标 0/\\d+，拖后腿：清涧县第二小学；3次活动，最近 2026-11-20；下次联席会议 未安排`));
    expect(progress).toContain(one.community);
    expect(progress).not.toContain(outsider.community);
    expect(await outsider.says("/区县 进度")).toMatch(/还不是任何区县的管理员/);
    // The bureau's admin in a community's group: nothing of any community is shown there.
    const inGroup = await one.as(bureau.userId, "刘科长").says("/区县 进度");
    expect(inGroup).toMatch(/只在与我的单聊里查看/);
    expect(inGroup).not.toContain(two.community);
    expect(await one.as(bureau.userId, "刘科长").says("/区县 导出 台账")).not.toMatch(/\/d\//);

    const wb = await workbook(linkIn(await bureau.says("/区县 导出 台账", { chatType: "direct" })));
    expect(wb.worksheets.map((s) => s.name)).toHaveLength(3);
    expect(wb.worksheets[0]?.name).toBe("汇总");
    expect(
      rowsOf(wb.worksheets[0]!)
        .map((r) => r[0])
        .sort(),
    ).toEqual([one.community, two.community].sort());

    expect(await two.says("/区县 退出")).toMatch(/已退出/);
    const after = await bureau.says("/区县 进度", { chatType: "direct" });
    expect(after).toMatch(/1 个共同体/);
    expect(after).not.toContain(two.community);
  });
});
