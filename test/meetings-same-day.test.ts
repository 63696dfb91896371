/**
 * A second meeting on a day that has one (issue 23, deliverable 6): the bot asks whether to move
 * the existing one or add another, both work, and minutes, attendance and to-dos stay with the
 * meeting they were recorded for.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";

// Saturday 2026-11-28 12:00 in Beijing.
const NOON = new Date("2026-11-28T04:00:00Z");
let clock = NOON;
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => clock);
});
afterAll(async () => app?.close());

const meetingsOf = (community: string) => app.db.meeting.findMany({ where: { community: { name: community } }, orderBy: { startsAt: "asc" }, include: { attendances: true, actionItems: true } });

describe("/会议 安排 on a day that already has a meeting", () => {
  it("asks, then moves the existing one when told 改时间 (one meeting, at the new time)", async () => {
    clock = NOON;
    const g = await boundGroup(app);
    await g.says("/会议 安排 12月10日 14:00 郝家也 送课安排");
    const asked = await g.says("/会议 安排 12月10日 16:00 郝家也");
    expect(asked).toMatch(/^12月10日（周四） 已有会议：14:00 郝家也。\n· 改时间：把 14:00 的会议改到 16:00\n· 另加：16:00 再开一场，原来的不变/);
    expect(await meetingsOf(g.community)).toHaveLength(1);
    expect(await g.says("改时间")).toMatch(/已把 12月10日（周四）14:00 的会议改到 12月10日（周四）16:00 郝家也/);
    const [only, ...more] = await meetingsOf(g.community);
    expect(more).toHaveLength(0);
    expect(only).toMatchObject({ startsAt: new Date("2026-12-10T08:00:00Z"), agenda: "送课安排" });
  });

  it("adds a second meeting from the button's message; both are listed", async () => {
    clock = NOON;
    const g = await boundGroup(app);
    await g.says("/会议 安排 12月10日 14:00 郝家也");
    await g.says("/会议 安排 12月10日 9:00 双庙");
    expect(await g.says("/会议 安排 12月10日 9:00 双庙 另加一场")).toMatch(/已安排会议：12月10日（周四）09:00 双庙\n当天原有的会议（14:00）不变。/);
    expect(await g.says("/会议 下次")).toMatch(/· 12月10日（周四）09:00 双庙\n· 12月10日（周四）14:00 郝家也/);
    expect(await meetingsOf(g.community)).toHaveLength(2);
  });

  it("「取消」 leaves the day as it was", async () => {
    clock = NOON;
    const g = await boundGroup(app);
    await g.says("/会议 安排 12月10日 14:00 郝家也");
    await g.says("/会议 安排 12月10日 16:00");
    expect(await g.says("取消")).toMatch(/没有安排新的会议/);
    expect((await meetingsOf(g.community)).map((m) => m.startsAt)).toEqual([new Date("2026-12-10T06:00:00Z")]);
  });

  it("a held meeting (minutes, attendance, to-dos) is never moved: the new one is added, and what was recorded stays with the first", async () => {
    clock = NOON;
    const g = await boundGroup(app);
    await g.says("/会议 安排 今天 12:30 二小会议室");
    await g.says("/签到 郝家也");
    clock = new Date(NOON.getTime() + 90 * 60_000); // 13:30
    expect(await g.says("/纪要 讨论了期末联考。\n待办：@王主任 12月10日前 提交送课方案")).toMatch(/已记录 11月28日（周六）12:30 联席会议纪要/);
    const asked = await g.says("/会议 安排 今天 15:00 二小会议室");
    expect(asked).toMatch(/已有会议：12:30 二小会议室。它已有纪要、签到或待办，不能改时间（这些只属于那一场）。\n要在 15:00 另加一场吗？/);
    expect(await g.says("改时间")).toMatch(/没有改时间：它已有纪要/);
    expect(await g.says("另加")).toMatch(/已安排会议：11月28日（周六）15:00 二小会议室\n当天原有的会议（12:30）不变。/);
    const [held, added] = await meetingsOf(g.community);
    expect(held).toMatchObject({ startsAt: new Date("2026-11-28T04:30:00Z"), minutes: expect.stringContaining("期末联考") });
    expect(held?.attendances).toHaveLength(1);
    expect(held?.actionItems).toHaveLength(1);
    expect(added).toMatchObject({ startsAt: new Date("2026-11-28T07:00:00Z"), minutes: null, attendances: [], actionItems: [] });
  });

  it("naming the same time again changes only its place, without asking", async () => {
    clock = NOON;
    const g = await boundGroup(app);
    await g.says("/会议 安排 12月10日 14:00 郝家也");
    expect(await g.says("/会议 安排 12月10日 14:00 双庙")).toMatch(/已更新会议：12月10日（周四）14:00 双庙/);
    expect(await meetingsOf(g.community)).toHaveLength(1);
  });
});
