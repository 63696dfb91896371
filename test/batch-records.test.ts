/**
 * Issue 25, deliverable 2: several records in one message, one a line. Each line is recorded by
 * itself (its own key under the message's), refused lines are listed with their reason and lose
 * no other, and a redelivery — even after a crash between lines — records nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { handleInbound } from "../commands/index.ts";
import { createDatabase, type Database } from "../db/client.ts";
import { sourceKey } from "../messages/messages.ts";
import { boundGroup, startTestApp, TEST_NOW } from "./support/harness.ts";
import { TEST_DATABASE_URL, unique } from "./support/env.ts";

let app: App;
let direct: Database;
beforeAll(async () => {
  app = await startTestApp();
  direct = createDatabase(TEST_DATABASE_URL, 2);
});
afterAll(async () => {
  await direct?.db.$disconnect();
  await direct?.sql.end();
  await app?.close();
});

const WEEK = [
  "@教联体助手 /记录 示范课 11月20日 二小 参与=郝家也 语文",
  "听评课 11月18日 郝家也 数学 12人",
  "集体备课 11月10日 火星校",
  "本周就这些",
  "",
  "2、专题讲座 11月5日 双庙 备注=家长也来了",
  "艺术节 2027年10月14日 二小",
].join("\n");

describe("several records in one message", () => {
  it("records every good line, lists each new number and each refused line with its reason", async () => {
    const g = await boundGroup(app);
    const reply = await g.says(WEEK, { mentioned: true });
    const lines = reply.split("\n");
    expect(lines[0]).toBe("✅ 已记录 3 条：");
    expect(lines[1]).toBe("#1 2026-11-20 示范课 二小 → 郝家也 语文");
    expect(reply).toMatch(/#2 2026-11-18 听评课/);
    expect(reply).toMatch(/#3 2026-11-05 专题讲座/);
    expect(reply).toContain("❌ 未记录 3 行");
    expect(reply).toMatch(/第3行「集体备课 11月10日 火星校」：没看懂「火星校」/);
    expect(reply).toContain("第4行「本周就这些」：不是记录（每行以活动类型或 /记录 开头）");
    expect(reply).toContain("第7行「艺术节 2027年10月14日 二小」：日期在 60 天以后，请单独发送这一条");
    const stored = await g.activities();
    expect(stored.map((a) => a.kind).sort()).toEqual(["专题讲座", "听评课", "示范课"]);
    expect(stored.find((a) => a.kind === "专题讲座")).toMatchObject({ notes: "家长也来了" });
    // The refused line fixed and sent again is one record as usual.
    expect(await g.says("/记录 集体备课 11月10日 双庙")).toMatch(/已记录 #4/);
  });

  it("answers a redelivery with the same reply and records nothing twice", async () => {
    const g = await boundGroup(app);
    const messageId = unique("m");
    const first = await g.says("/记录 示范课 11月20日 二小\n/记录 听评课 11月21日 郝家也", { messageId });
    expect(first).toMatch(/已记录 2 条：\n#1 [\s\S]*\n#2 /);
    expect(await g.says("/记录 示范课 11月20日 二小\n/记录 听评课 11月21日 郝家也", { messageId })).toBe(first);
    expect(await g.activities()).toHaveLength(2);
  });

  it("after a crash between lines, the message processed again records only what was missing", async () => {
    const g = await boundGroup(app);
    const message = {
      platform: "sim" as const,
      chatId: g.chatId,
      chatType: "group" as const,
      senderId: g.userId,
      senderName: g.userName,
      text: "示范课 11月20日 二小\n听评课 11月21日 郝家也\n集体备课 11月19日 双庙",
      messageId: unique("m"),
      mentioned: true,
      receivedAt: TEST_NOW.toISOString(),
    };
    const deps = { ...direct, now: () => TEST_NOW };
    const first = await handleInbound(deps, message);
    // As if the process died after the lines were stored but before the reply was: no stored reply.
    await direct.db.processedMessage.deleteMany({ where: { key: sourceKey(message) } });
    await direct.db.activity.deleteMany({ where: { sourceMessageKey: `${sourceKey(message)}#3` } });
    const again = await handleInbound(deps, message);
    expect(again.replies[0]?.text).toMatch(/已记录 3 条：\n#1 .*示范课.*\n#2 .*听评课.*\n#4 .*集体备课/);
    expect(first.replies[0]?.text).toMatch(/#3 .*集体备课/);
    expect(await g.activities()).toHaveLength(3);
  });

  it("stays one record when only one line is a record, and ignores unaddressed group chatter", async () => {
    const g = await boundGroup(app);
    expect(await g.says("/记录 示范课 11月20日 二小 备注=第一节\n第二节在下午")).toMatch(/已记录 #1[\s\S]*备注：第一节 第二节在下午/);
    expect(await g.says("示范课 11月20日 二小\n听评课 11月21日 郝家也")).toBe("");
    expect(await g.activities()).toHaveLength(1);
    // Another command's numbered items that start with a kind stay that command's text.
    expect(await g.says("/纪要 本次会议：\n1. 示范课 12月2日 在双庙\n2. 听评课 12月9日 郝家也")).not.toMatch(/已记录 2 条/);
    expect((await g.activities()).map((a) => a.kind)).not.toContain("听评课");
  });
});
