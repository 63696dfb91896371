/**
 * Pairs and targets follow their term by identity (issue 23, deliverable 6): renaming or
 * re-dating the term with /学期 设置 keeps them in /进度 and /目标.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";

const NOW = new Date("2026-11-22T04:00:00Z");
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => NOW);
});
afterAll(async () => app?.close());

describe("/学期 设置 renames or re-dates the term", () => {
  it("keeps the mentor pairs and the targets set in it", async () => {
    const g = await boundGroup(app);
    await g.says("/成员 王老师 二小");
    await g.says("/成员 李老师 郝家也");
    expect(await g.says("/结对 王老师 李老师 语文")).toMatch(/本学期共 1 对/);
    expect(await g.says("/目标 设置 示范课 核心校→成员校 2")).toMatch(/已(添加|修改)目标/);
    await g.says("/记录 听评课 11月20日 二小 主讲=王老师、李老师");
    const before = await g.says("/进度");
    expect(before).toMatch(/师徒结对—二小 1\/3/);
    const targetsBefore = await g.says("/目标 列表");
    expect(await g.says("/学期 设置 2026-09-01 2027-01-20 2026秋季学期")).toMatch(/已设置学期/);
    const after = await g.says("/进度");
    expect(after.replace(/2026秋季学期/g, "2026年秋季学期").replace(/剩 \d+ 周/g, "")).toBe(before.replace(/剩 \d+ 周/g, ""));
    expect(await g.says("/目标 列表")).toBe(targetsBefore.replace("2026年秋季学期", "2026秋季学期"));
    expect(await g.says("/结对 王老师 李老师 语文")).toMatch(/已结对/);
    // Re-dated again (the same stretch of time): still the same term.
    await g.says("/学期 设置 2026-08-25 2027-01-16 秋季学期");
    expect((await g.says("/进度")).replace(/2026年秋季学期/g, "").replace(/剩 \d+ 周/g, "")).toBe(after.replace(/2026秋季学期/g, "").replace(/剩 \d+ 周/g, ""));
    const terms = await app.db.term.findMany({ where: { community: { name: g.community } } });
    expect(terms.map((t) => t.name)).toEqual(["2026年秋季学期"]);
  });
});
