/**
 * The meeting commands through the real pipeline (simulator → BullMQ → PostgreSQL), with the
 * injected clock: rules, one-off meetings, agenda, cancel, move, check-in, minutes with action
 * items, /完成, reminder and holiday settings.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, Chat, startTestApp } from "./support/harness.ts";

// Saturday 2026-11-28 12:00 in Beijing: the next first Saturday is 2026-12-05.
const NOW = new Date("2026-11-28T04:00:00Z");
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => NOW);
});
afterAll(async () => app?.close());

describe("/会议", () => {
  it("sets a rule from a phrase (Traditional, full-width digits) and lists the next three in Beijing time", async () => {
    const g = await boundGroup(app);
    const reply = await g.says("/會議 規則 每月第一個週六 ９:００ 二小会议室");
    expect(reply).toMatch(/会议规则：每月第一个周六 09:00 二小会议室/);
    expect(reply).not.toMatch(/RRULE|DTSTART/); // stored, not shown
    const rule = await app.db.meetingRule.findFirstOrThrow({ where: { community: { name: g.community } } });
    expect(rule.rrule).toMatch(/FREQ=MONTHLY;BYDAY=\+1SA/);
    expect(await g.says("/会议 下次")).toBe(
      [
        "接下来的会议：",
        "· 12月5日（周六）09:00 二小会议室",
        "· 1月2日（周六）09:00 二小会议室（2027年调休安排未公布）",
        "· 2月6日（周六）09:00 二小会议室⚠️春节假期，建议改到2月4日（2027年调休安排未公布）：/会议 改期 2027-02-06 2027-02-04",
      ].join("\n"),
    );
  });

  it("agenda, cancel, move and a one-off meeting change what comes next", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 规则 每月最后一个周五 15:30");
    expect(await g.says("/会议 议程 12月25日 期末联考安排")).toMatch(/已设置 12月25日（周五）15:30 会议的议题：期末联考安排/);
    expect(await g.says("/会议 取消 1月29日")).toMatch(/已取消 1月29日（周五）15:30/);
    expect(await g.says("/会议 改期 12月25日 12月24日")).toMatch(/12月25日（周五）15:30 → 12月24日（周四）15:30/);
    expect(await g.says("/会议 安排 12月10日 下午2点 郝家也 送课安排")).toMatch(/已安排会议：12月10日（周四）14:00 郝家也/);
    const next = await g.says("/会议 下次");
    expect(next).toBe(["接下来的会议：", "· 12月10日（周四）14:00 郝家也 议题：送课安排", "· 12月24日（周四）15:30 地点待定 议题：期末联考安排", "· 2月26日（周五）15:30 地点待定"].join("\n"));
  });

  it("a new rule re-plans: the old rule's future meetings are gone", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 规则 每周一 8:00");
    await g.says("/会议 议程 11月30日 旧议题");
    await g.says("/会议 规则 每月15日 14:00");
    const next = await g.says("/会议 下次");
    expect(next).not.toMatch(/11月30日|旧议题/);
    expect(next).toMatch(/12月15日（周二）14:00/);
  });

  it("only admins configure; anyone can look", async () => {
    const g = await boundGroup(app);
    const t = g.as("teacher-x", "李老师");
    expect(await t.says("/会议 规则 每周一 8:00")).toMatch(/只有管理员可以设置会议规则/);
    expect(await t.says("/设置 提醒 1天")).toMatch(/只有管理员可以修改提醒时间/);
    expect(await t.says("/设置 假期 2027-01-01")).toMatch(/只有管理员可以设置假日/);
    expect(await t.says("/会议 下次")).toMatch(/还没有安排会议/);
  });

  it("warns about a meeting on a holiday and proposes the nearest working day", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 规则 每月第一个周六 9:00");
    await g.says("/设置 假期 2026-12-05");
    expect(await g.says("/会议 下次")).toMatch(/12月5日（周六）09:00 地点待定⚠️自定假日假期，建议改到12月4日：\/会议 改期 2026-12-05 2026-12-04/);
    expect(await g.says("/会议 改期 2026-12-05 2026-12-04")).toMatch(/→ 12月4日（周五）09:00/);
    expect(await g.says("/会议 下次")).toMatch(/^接下来的会议：\n· 12月4日（周五）09:00 地点待定\n· 1月2日/);
  });

  it("says when the holiday calendar has not been published for a year", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 规则 每月第一个周六 9:00");
    expect(await g.says("/会议 下次")).toMatch(/1月2日（周六）09:00 地点待定（2027年调休安排未公布）/);
    await g.says("/设置 假期 2027-01-02 补班");
    expect(await g.says("/会议 下次")).toMatch(/1月2日（周六）09:00 地点待定\n· 2月6日/);
    expect(await g.says("/设置 假期")).toMatch(/2027-01-02 补班/);
  });
});

describe("/签到, /纪要, /完成", () => {
  it("checks schools in, records minutes as a 联席会议 activity with action items, and completes them", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/会议 安排 11月28日 9:00 二小会议室")).toMatch(/已经过去了，请选以后的时间/);
    await g.says("/会议 安排 11月28日 12:30 二小会议室");
    expect(await g.says("/签到 郝家也")).toMatch(/郝家也中心小学 已签到：11月28日（周六）12:30 二小会议室/);
    expect(await g.says("/签到 郝家也")).toMatch(/已经签到过/);
    expect(await g.says("/签到")).toMatch(/请写上学校/);
    const minutes = await g.says("/纪要 讨论了期末联考。\n待办：@王主任 12月10日前 提交送课方案\n待辦：@李老师 下周三前 汇总名单");
    expect(minutes).toMatch(/已记录 11月28日（周六）12:30 联席会议纪要（已记为联席会议活动 #1）/);
    expect(minutes).toMatch(/#1 @王主任 提交送课方案（12月10日前）/);
    expect(minutes).toMatch(/#2 @李老师 汇总名单（12月2日前）/);
    const [activity] = await g.activities();
    expect(activity).toMatchObject({ kind: "联席会议", date: "2026-11-28", schools: ["郝家也中心小学"] });
    expect(await g.says("/纪要 补充：照片已上传")).toMatch(/已更新/);
    expect(await g.activities()).toHaveLength(1);
    expect(await g.says("/完成 2")).toMatch(/已完成待办 #2 @李老师 汇总名单/);
    expect(await g.says("/完成 2")).toMatch(/已经完成过了/);
    expect(await g.says("/完成 9")).toMatch(/没有编号为 9 的待办/);
  });

  it("/签到 from a 1:1 chat (the button on a principal's reminder) checks in the sender's school", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 规则 每月第一个周六 9:00");
    const p = await g.member("张校长", "双庙 校长", `p-direct-${g.chatId}`);
    await p.says("/会议 下次");
    const direct = new Chat(app, p.userId, p.userId, "张校长");
    expect(await direct.says("/签到", { chatType: "direct" })).toMatch(/双庙中心小学 已签到：12月5日（周六）09:00/);
  });

  it("/纪要 without a meeting explains what to do and records nothing", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/纪要 开了会")).toMatch(/最近两个月还没有开过的会议/);
    expect(await g.activities()).toHaveLength(0);
  });
});

describe("/设置 提醒", () => {
  it("shows and changes the reminder offsets", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/设置 提醒")).toMatch(/会前提醒：3天、2小时/);
    expect(await g.says("/设置 提醒 1天 30分钟")).toMatch(/会前提醒改为：1天、30分钟/);
    expect(await g.says("/设置 提醒")).toMatch(/会前提醒：1天、30分钟/);
  });
});
