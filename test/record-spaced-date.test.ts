/**
 * /记录 reads a date typed apart as the meeting commands do (issue 23, deliverable 3): "12月 9日",
 * a full-width space, "12 月 9 日", "12月 9号"; through the real pipeline and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";

// Thursday 2026-12-10 12:00 in Beijing: 12月9日 was yesterday.
const NOW = new Date("2026-12-10T04:00:00Z");
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => NOW);
});
afterAll(async () => app?.close());

describe("/记录 with a date typed apart", () => {
  it("records 12月 9日, 12月　9日, 12 月 9 日 and 12月 9号 on 2026-12-09", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/记录 示范课 12月 9日 二小")).toMatch(/已记录 #1/);
    expect(await g.says("/记录 听评课 12月\u30009日 郝家也")).toMatch(/已记录 #2/);
    expect(await g.says("/记录 送教下乡 12 月 9 日 二小到双庙")).toMatch(/已记录 #3/);
    expect(await g.says("/记录 12月 9号 教研活动 双庙")).toMatch(/已记录 #4/);
    const activities = await g.activities();
    expect(activities.map((a) => a.date)).toEqual(["2026-12-09", "2026-12-09", "2026-12-09", "2026-12-09"]);
  });

  it("a day that does not exist is refused by name, and nothing is recorded", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/记录 示范课 11月 31日 二小")).toMatch(/日期「11月 31日」不存在/);
    expect(await g.activities()).toHaveLength(0);
  });
});
