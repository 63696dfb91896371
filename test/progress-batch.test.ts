/**
 * A district's progress is read for all its communities at once (db/progress-input.ts
 * loadProgressInputs: the activities as one JSON array per community); each community's report
 * must equal the one /进度 and exports compute for it alone (progressReportOf), whatever the mix:
 * mentor pairs and the people they count, a community without pairs (its people are not read),
 * planned and revoked records, last school year's records, and a community with no records.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { progressReportOf, progressReportsOf } from "../db/progress-report.ts";
import { boundGroup, type Chat, startTestApp, TEST_NOW } from "./support/harness.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const idOf = async (g: Chat) => (await app.db.chatGroup.findFirstOrThrow({ where: { platform: "sim", chatId: g.chatId } })).communityId;

describe("the district's batched progress", () => {
  it("equals each community's own report, item by item", async () => {
    const paired = await boundGroup(app);
    await paired.says("/成员 王芳 二小 教师");
    await paired.says("/成员 李娜 郝家也 教师");
    expect(await paired.says("/结对 王芳 李娜 语文")).toMatch(/已登记结对/);
    expect(await paired.says("/记录 听评课 11月10日 二小到郝家也 主讲=王芳、李娜 语文")).toMatch(/已记录/);
    expect(await paired.says("/记录 示范课 11月12日 二小到郝家也 主讲=李娜 数学")).toMatch(/已记录/);
    expect(await paired.says("/记录 听评课 11月20日 郝家也 主讲=王芳")).toMatch(/已记录/);
    expect(await paired.says("/记录 示范课 11月28日 二小到双庙 主讲=王芳、李娜")).toMatch(/已记录/); // planned
    expect(await paired.says("/记录 论文案例 2026-03-02 郝家也 主讲=李娜")).toMatch(/已记录/); // last school year's spring: not counted
    expect(await paired.says("/记录 集体备课 11月5日 二小到双庙 语文")).toMatch(/已记录 #(\d+)/);
    expect(await paired.says("/撤销 6")).toMatch(/已撤销/);

    const unpaired = await boundGroup(app);
    expect(await unpaired.says("/记录 听评课 11月11日 二小到双庙 主讲=王芳、李娜 语文")).toMatch(/已记录/);
    expect(await unpaired.says("/记录 示范课 11月13日 二小到郝家也 主讲=王芳")).toMatch(/已记录/);
    const empty = await boundGroup(app);

    const ids = [await idOf(paired), await idOf(unpaired), await idOf(empty)];
    const batch = await progressReportsOf(app.db, ids, TEST_NOW);
    for (const id of ids) {
      const alone = await progressReportOf(app.db, id, TEST_NOW);
      expect(batch.get(id)?.report, `community ${id}`).toEqual(alone);
    }
    // The mentor items really counted people (the pair's records), so the comparison covers them.
    const mentorDone = batch
      .get(ids[0]!)!
      .report.items.filter((i) => i.scope.type === "mentor")
      .reduce((n, i) => n + i.done, 0);
    expect(mentorDone).toBeGreaterThan(0);
    expect(batch.get(ids[0]!)!.report.plannedActivities).toBe(1);
  });
});
