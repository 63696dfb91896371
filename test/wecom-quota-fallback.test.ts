/**
 * Reminders and digests the 智能机器人 may not send today (its per-conversation proactive quota,
 * enforced by the fake WeCom): to a group that has its own robot webhook (added with /推送群 in that
 * group) they go through the webhook; otherwise the community's admin is told once, in the reply
 * to their next command. Real PostgreSQL, Redis and BullMQ; the real aibot SDK against the fake.
 */
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import type { Logger } from "../config/logger.ts";
import { pushTo } from "../workers/schedule/push.ts";
import { FakeWecom, textOf } from "./fakes/wecom.ts";
import { unique } from "./support/env.ts";
import { startTestApp, TEST_NOW } from "./support/harness.ts";
import { waitFor } from "./support/process.ts";

const BOT = "jlfallback";
let fake: FakeWecom;
let app: App;

beforeAll(async () => {
  // One proactive send per conversation per day: the second reminder is over the quota.
  fake = await new FakeWecom({ [BOT]: "s3cret" }, { proactivePerDay: 1 }).start();
  // The quota's day on a fixed noon: on the wall clock a run across midnight Beijing would reset it.
  fake.clock = () => TEST_NOW.getTime();
  app = await startTestApp({ ...fake.botEnv(BOT) });
  await fake.waitForLive();
});
afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

async function says(chatId: string, userId: string, text: string): Promise<string> {
  const frame = await fake.userSays({ chatId, userId, text });
  return textOf(await fake.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg", 10_000, `reply to ${text}`));
}

describe("over the WeCom proactive quota", { timeout: 90_000 }, () => {
  it("a reminder goes through the group's own robot webhook; where there is none, the admin's next reply says what was missed, once", async () => {
    const [withHook, without, admin, key] = [unique("wc"), unique("wc"), unique("wu"), unique("k")];
    const name = unique("共同体");
    expect(await says(withHook, admin, `/绑定 ${name}`)).toMatch(/绑定/);
    expect(await says(without, admin, `/绑定 ${name}`)).toMatch(/绑定/);
    expect(await says(withHook, admin, `/推送群 添加 教师群 ${fake.webhookUrl(key)}`)).toMatch(/已设置推送群/);
    expect(await says(without, admin, "/学校 添加 清涧县第二小学 核心 二小")).toMatch(/二小/);
    const community = await app.db.community.findUniqueOrThrow({ where: { name } });

    const deps = { db: app.db, producers: app.producers, log: pino({ level: "silent" }) as unknown as Logger, now: () => new Date() };
    const groups = [withHook, without].map((chatId) => ({ key: `group:wecom:${chatId}`, platform: "wecom" as const, chatId, chatType: "group" as const }));
    for (const n of [1, 2]) {
      const push = { communityId: community.id, kind: "meeting-reminder-4320", occurrenceKey: `test:${name}:${n}`, dueAt: new Date(), late: false, reply: { text: `联席会议提醒 第${n}条` } };
      expect(await pushTo(deps, new Date(), push, groups)).toBe(2);
    }

    // The first of each went out on the bot connection; the second to withHook through its webhook.
    const hooked = await waitFor(async () => fake.webhookCalls.find((c) => c.key === key && c.errcode === 0), 20_000);
    expect(JSON.stringify(hooked.body)).toContain("联席会议提醒 第2条");
    expect(fake.received.filter((r) => r.body.chatid === withHook).map(textOf)).toEqual(["联席会议提醒 第1条"]);
    const rows = await waitFor(async () => {
      const all = await app.db.delivery.findMany({ where: { communityId: community.id }, orderBy: { id: "asc" } });
      return all.some((r) => r.status === "quota") ? all : undefined;
    }, 20_000);
    expect(rows.map((r) => [r.recipient.startsWith(`group:wecom:${withHook}`) ? "withHook" : "without", r.status])).toEqual([
      ["withHook", "queued"],
      ["without", "queued"],
      ["withHook", "webhook"],
      ["without", "quota"],
    ]);

    // Someone who is not an admin is not told; the admin is, once, also in the reply to a /记录
    // (the single-statement hot path, which has no transaction of its own).
    expect(await says(without, unique("wu"), "/帮助")).not.toContain("额度已用完");
    const told = await says(without, admin, "/记录 示范课 昨天 二小");
    expect(told).toContain("已记录");
    expect(told).toContain("⚠️ 企业微信当天的机器人主动推送额度已用完，以下 1 条定时推送未送达：");
    expect(told).toContain("· 联席会议提醒 → 群");
    expect(told).toContain("/推送群 添加");
    expect(await says(without, admin, "/列表")).not.toContain("额度已用完");
  });
});
