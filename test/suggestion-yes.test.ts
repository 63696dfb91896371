/**
 * A typed 「是」 accepts the bot's latest nearest-word suggestion in that chat, for that person
 * only, within its expiry (issue 23, deliverable 7); a typo inside 「X到Y」 is suggested like a bare word.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { boundGroup, startTestApp, TEST_NOW } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let clock = TEST_NOW;
let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => clock);
});
afterAll(async () => app?.close());

describe("a typed 「是」 to a nearest-word suggestion", () => {
  it("records what the suggestion offered, as clicking its button would", async () => {
    clock = TEST_NOW;
    const g = await boundGroup(app);
    expect(await g.says("/记录 示范课 11月20日 二校")).toMatch(/^「二校」是「二小」吗？/);
    expect(await g.says("是")).toMatch(/已记录 #1/);
    const [a] = await g.activities();
    expect(a).toMatchObject({ kind: "示范课", date: "2026-11-20", hostSchool: "清涧县第二小学" });
    // Accepted once: a second 「是」 is ordinary chatter again.
    expect(await g.says("是")).toBe("");
    expect(await g.activities()).toHaveLength(1);
  });

  it("is one person's: another member's 「是」 in the same group accepts nothing", async () => {
    clock = TEST_NOW;
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11月20日 二校");
    const other = g.as(unique("u"), "李老师");
    expect(await other.says("是")).toBe("");
    expect(await g.activities()).toHaveLength(0);
    expect(await g.says("对的")).toMatch(/已记录 #1/);
  });

  it("accepts nothing after the suggestion expired, after other chatter, or after 「不是」", async () => {
    clock = TEST_NOW;
    const g = await boundGroup(app);
    await g.says("/记录 示范课 11月20日 二校");
    clock = new Date(TEST_NOW.getTime() + 11 * 60_000);
    expect(await g.says("好")).toBe("");

    await g.says("/记录 示范课 11月20日 二校");
    expect(await g.says("今天下雨了")).toBe("");
    expect(await g.says("是")).toBe("");

    await g.says("/记录 示范课 11月20日 二校");
    expect(await g.says("不是")).toMatch(/没有改成「二小」/);
    expect(await g.says("是")).toBe("");
    expect(await g.activities()).toHaveLength(0);
  });

  it("a typo inside 「X到Y」 gets the same suggestion as a bare word, and 「是」 accepts it", async () => {
    clock = TEST_NOW;
    const g = await boundGroup(app);
    await g.says("/学校 添加 县第一小学 成员 县一小");
    await g.says("/学校 添加 柳合乡中心小学 成员");
    expect(await g.says("/记录 示范课 11月20日 柳河乡")).toMatch(/^「柳河乡」是「柳合乡」吗？/);
    const route = await g.says("/记录 示范课 11月20日 县一小到柳河乡");
    expect(route).toBe("「柳河乡」是「柳合乡」吗？\n点选项或回复「是」，也可直接发送：/记录 示范课 11月20日 县一小到柳合乡");
    expect(await g.says("是")).toMatch(/已记录 #1/);
    const [a] = await g.activities();
    expect(a).toMatchObject({ hostSchool: "柳合乡中心小学", givingSchool: "县第一小学" });
  });
});
