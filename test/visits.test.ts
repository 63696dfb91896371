/**
 * Issue 25, deliverable 5, through the real pipeline: for 听评课, 参观学习 and 挂职 the visiting
 * school is the 派出校 (the side that went to watch or learn), said in words in the reply, counted
 * by /进度 for that school, and never read as 「主办 X」 with X going somewhere else.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { Chat, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let app: App;
beforeAll(async () => {
  app = await startTestApp({}, () => new Date("2026-11-28T04:00:00Z"));
});
afterAll(async () => app?.close());

async function county(): Promise<{ admin: Chat; li: Chat }> {
  const admin = new Chat(app, unique("g"), unique("u"), "王主任");
  await admin.says(`/绑定 ${unique("安川县共同体")}`);
  for (const line of [
    "/学校 添加 安川县实验小学 核心 县实小",
    "/学校 添加 杨庄乡中心小学 成员 杨庄",
    "/学校 添加 青龙沟村小学 成员 青龙沟",
    "/成员 王主任 县实小 管理员",
    "/成员 王芳 县实小 教师",
    "/成员 李娜 杨庄 教师",
  ]) {
    await admin.says(line);
  }
  return { admin, li: admin.as(unique("u"), "李娜") };
}

describe("the visiting school is the observer", () => {
  it("a member school's teacher watching the core school's lesson counts for the member school, and the reply says so", async () => {
    const { li } = await county();
    // 执教=王芳 names the watched teacher, a member of the core school: she does not make it the core school's own.
    const reply = await li.says("/记录 听课 11.20 县实小 语文 执教=王芳 7人");
    expect(reply).toContain("方向：杨庄 → 县实小 赴对方听课（杨庄是听课方）");
    expect(reply).toContain("主办：安川县实验小学");
    expect(reply).toContain("反了？是县实小到杨庄的话，发 /修改 1 县实小到杨庄");
    expect(reply).not.toContain("校内");
    expect(await li.says("/进度 杨庄")).toMatch(/听评课→县实小 1\/2/);
  });

  it("says it the other way round with a route, and the reply never pairs 主办 X with X going elsewhere", async () => {
    const { admin, li } = await county();
    await li.says("/记录 听课 11.20 县实小 语文 执教=王芳");
    const reversed = await li.says("/修改 1 县实小到杨庄");
    expect(reversed).toContain("方向：县实小 → 杨庄 赴对方听课（县实小是听课方）");
    expect(reversed).toContain("主办：杨庄乡中心小学");
    // The core school's admin writes who came: the named school visited the host.
    const came = await admin.says("/记录 听评课 11.21 县实小 参与=杨庄");
    expect(came).toContain("方向：杨庄 → 县实小 赴对方听课");
    expect(came).not.toMatch(/县实小 → 杨庄 赴对方听课/);
    expect(await admin.says("/记录 参观学习 11.22 县实小 听课校=青龙沟")).toContain("方向：青龙沟 → 县实小 赴对方学习（青龙沟是学习方）");
    // Named against the host itself: said as it is, not as a visit.
    expect(await admin.says("/记录 听评课 11.23 县实小 参与=杨庄 听课校=县实小")).toContain("方向：县实小 → 杨庄（在县实小举行，不算赴对方听课）");
  });

  it("keeps a lesson watched inside the recorder's own school 校内, and 跟岗 as a visit too", async () => {
    const { li } = await county();
    expect(await li.says("/记录 说课 11.20 杨庄")).toContain("方向：杨庄 校内");
    expect(await li.says("/记录 跟岗 11.21 县实小")).toContain("方向：杨庄 → 县实小 赴对方挂职（杨庄是挂职方）");
  });
});
