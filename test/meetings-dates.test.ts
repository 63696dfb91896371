/**
 * Dates in meeting commands and minutes read like /记录's (issue 23, deliverable 3): a day and
 * time in one word ("明天下午3点"), a date typed apart ("12月 9日"), full-width digits, 号,
 * relative days; an impossible date is refused with an example.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";

const NOW = new Date("2026-11-28T04:00:00Z"); // Saturday 12:00 in Beijing
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => NOW);
});
afterAll(async () => app?.close());

describe("dates in /会议 and /纪要", () => {
  it("安排 takes the time with the day, and a date typed apart", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/会议 安排 明天下午3点 郝家也")).toMatch(/已安排会议：11月29日（周日）15:00 郝家也/);
    expect(await g.says("/会议 安排 12月8日下午2点 双庙 送课")).toMatch(/已安排会议：12月8日（周二）14:00 双庙\n议题：送课/);
    expect(await g.says("/会议 安排 12月 9日 9:00 二小")).toMatch(/已安排会议：12月9日（周三）09:00 二小/);
    expect(await g.says("/会议 安排 ２０２６ 年 １２ 月 １１ 日 ９:００")).toMatch(/已安排会议：12月11日（周五）09:00 地点待定/);
    expect(await g.says("/会议 安排 12月 40日 9:00")).toMatch(/日期「12月 40日」不存在，请检查月份和日子。例如/);
  });

  it("改期, 议程 and 取消 read the same dates", async () => {
    const g = await boundGroup(app);
    await g.says("/会议 安排 12月9日 9:00 二小");
    expect(await g.says("/会议 改期 12月 9日 下周四")).toMatch(/12月9日（周三）09:00 → 12月3日（周四）09:00/);
    expect(await g.says("/会议 改期 12月3号 12月4日下午4点")).toMatch(/12月3日（周四）09:00 → 12月4日（周五）16:00/);
    expect(await g.says("/会议 议程 12 月 4 日 期末联考")).toMatch(/已设置 12月4日（周五）16:00 会议的议题：期末联考/);
    expect(await g.says("/会议 取消 １２月４号")).toMatch(/已取消 12月4日（周五）16:00 的会议/);
  });

  it("/纪要 names its past meeting's day the same way", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/纪要 11月 20日 14:00 讨论了送课\n待办：@王主任 12月 10日前 提交方案")).toMatch(/已记录 11月20日（周五）14:00 联席会议纪要/);
    expect(await g.says("/纪要 昨天下午4点 交流了期中情况")).toMatch(/已记录 11月27日（周五）16:00 联席会议纪要/);
  });
});
