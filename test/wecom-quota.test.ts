/**
 * The 智能机器人's proactive-send quota (aibot_send_msg per conversation per day), enforced by the
 * fake WeCom on its own clock: pushes over it are refused once and never retried, the conversation
 * is not tried again until the reset (midnight Beijing), a 1:1 push goes through the self-built app
 * instead, and replies to messages (aibot_respond_msg) are not proactive sends and still work.
 */
import { Writable } from "node:stream";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { UndeliverableError } from "../bot/delivery.ts";
import { wecomQuotaRefusals } from "../bot/metrics.ts";
import { WecomAdapter } from "../bot/wecom/adapter.ts";
import { nextBeijingMidnight, WecomQuotaError } from "../bot/wecom/quota.ts";
import type { OutboundMessage } from "../messages/messages.ts";
import { FakeWecom, QUOTA, textOf } from "./fakes/wecom.ts";
import { testPrefix, unique } from "./support/env.ts";
import { startTestApp, TEST_NOW } from "./support/harness.ts";

const BOT = "jlquota";
const OTHER = "jlquota2";
const APP = { token: "QDG6eK", aesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", corpId: "wx5823bf96d3bd56c7", secret: "app-secret" };
let fake: FakeWecom;
let app: App;

beforeAll(async () => {
  fake = await new FakeWecom({ [BOT]: "s3cret", [OTHER]: "s3cret2" }, { corpId: APP.corpId, corpSecret: APP.secret }).start();
  // The quota's day on a fixed noon: on the wall clock a run across midnight Beijing would reset it.
  fake.clock = () => TEST_NOW.getTime();
  app = await startTestApp({
    ...fake.botEnv(BOT),
    ...fake.appEnv(APP),
  });
  await fake.waitForLive();
});

afterAll(async () => {
  await app?.close();
  await fake?.stop();
});

const attempts = (chatId: string) => fake.sendAttempts.filter((a) => a.chatid === chatId);
const refusals = async () => (await wecomQuotaRefusals.get()).values.reduce((n, v) => n + v.value, 0);

/** Queues pushes the way the schedulers do and waits until each job has finished, one way or the other. */
async function push(chatId: string, chatType: "group" | "direct", texts: string[]): Promise<string[]> {
  const jobs = await Promise.all(texts.map((text) => app.producers.outbound.add({ platform: "wecom", chatId, chatType, replies: [{ text }] }, unique("push"))));
  const states: string[] = [];
  const until = Date.now() + 20_000;
  for (const job of jobs) {
    for (;;) {
      const s = await job.getState();
      if (s === "completed" || s === "failed") {
        states.push(s);
        break;
      }
      if (Date.now() > until) throw new Error(`push job still ${s}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return states;
}

describe("nextBeijingMidnight", () => {
  it("is the next 16:00 UTC", () => {
    expect(nextBeijingMidnight(new Date("2026-11-22T04:00:00Z")).toISOString()).toBe("2026-11-22T16:00:00.000Z");
    expect(nextBeijingMidnight(new Date("2026-11-22T15:59:59Z")).toISOString()).toBe("2026-11-22T16:00:00.000Z");
    expect(nextBeijingMidnight(new Date("2026-11-22T16:00:00Z")).toISOString()).toBe("2026-11-23T16:00:00.000Z");
  });
});

describe("the 智能机器人's proactive-send quota", { timeout: 90_000 }, () => {
  const group = unique("wc");

  it("11 pushes to one group in a day: 10 delivered, the 11th refused once, never retried; the next one is not even tried", async () => {
    const counted = await refusals();
    const texts = Array.from({ length: QUOTA.perDay + 1 }, (_, i) => `提醒 第${i + 1}条`);
    const states = await push(group, "group", texts);
    expect(states.filter((s) => s === "completed")).toHaveLength(QUOTA.perDay);
    expect(states.filter((s) => s === "failed")).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500)); // BullMQ's first retry would come after 1 s
    expect(attempts(group)).toHaveLength(QUOTA.perDay + 1);
    expect(attempts(group).filter((a) => a.errcode === QUOTA.errcode)).toHaveLength(1);
    expect(fake.received.filter((r) => r.body.chatid === group)).toHaveLength(QUOTA.perDay);
    expect(await refusals()).toBe(counted + 1);

    expect(await push(group, "group", ["提醒 第12条"])).toEqual(["failed"]);
    expect(attempts(group)).toHaveLength(QUOTA.perDay + 1);
    expect(await refusals()).toBe(counted + 1);
  });

  it("a reply to a message in that group still works: a reply on the req_id is not a proactive send", async () => {
    const frame = await fake.userSays({ chatId: group, userId: unique("wu"), text: "/帮助" });
    const reply = await fake.waitForReceived((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg", 10_000, "reply");
    expect(textOf(reply)).toMatch(/记录/);
    expect(attempts(group)).toHaveLength(QUOTA.perDay + 1);
  });

  it("a 1:1 push over the quota goes through the self-built app, and later ones straight there", async () => {
    const user = unique("wu");
    const texts = Array.from({ length: QUOTA.perDay + 2 }, (_, i) => `周报 第${i + 1}段`);
    const states = [...(await push(user, "direct", texts.slice(0, -1))), ...(await push(user, "direct", texts.slice(-1)))];
    expect(states.every((s) => s === "completed")).toBe(true);
    const viaApp = fake.appCalls.filter((c) => c.body.touser === user);
    expect(viaApp).toHaveLength(2);
    expect(viaApp.every((c) => c.path === "/cgi-bin/message/send" && c.body.msgtype === "markdown")).toBe(true);
    // One refusal on the bot connection, then the app without asking the bot again.
    expect(attempts(user)).toHaveLength(QUOTA.perDay + 1);
    const contents = [...fake.received.filter((r) => r.body.chatid === user).map(textOf), ...viaApp.map((c) => (c.body.markdown as { content: string }).content)];
    expect(new Set(contents).size).toBe(QUOTA.perDay + 2);
  });
});

describe("the quota's reset, on a moved clock", { timeout: 60_000 }, () => {
  it("a conversation refused today is not tried again before midnight Beijing, and is tried after it; one log line says why and the fix", async () => {
    let now = new Date("2026-11-22T04:00:00Z").getTime();
    const realClock = fake.clock;
    fake.clock = () => now;
    const lines: string[] = [];
    const log = pino(
      { level: "info" },
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
    const adapter = new WecomAdapter({ bot: { botId: OTHER, secret: "s3cret2", wsUrl: fake.wsUrl, heartbeatMs: 300 }, redis, prefix: testPrefix(), log, now: () => new Date(now) });
    const chatId = unique("wc");
    const sendPush = async (text: string) => {
      const message: OutboundMessage = { platform: "wecom", chatId, chatType: "group", replies: [{ text }] };
      for (const d of adapter.plan(message)) await d.send();
    };
    try {
      await adapter.start(async () => ({ jobId: "", existed: false }));
      await fake.waitForLive(OTHER);
      for (let i = 0; i < QUOTA.perDay; i++) await sendPush(`第${i + 1}条`);
      await expect(sendPush("第11条")).rejects.toBeInstanceOf(WecomQuotaError);
      await expect(sendPush("第12条")).rejects.toBeInstanceOf(UndeliverableError);
      expect(attempts(chatId)).toHaveLength(QUOTA.perDay + 1);
      // Ours, besides the SDK's own line for the refused ack.
      const said = lines.filter((l) => l.includes("proactive-send quota"));
      expect(said).toHaveLength(1);
      expect(said[0]).toMatch(/2026-11-22T16:00:00.000Z/);
      expect(said[0]).toMatch(/修复：.*推送群/);

      now = new Date("2026-11-22T15:59:00Z").getTime();
      await expect(sendPush("还是今天")).rejects.toBeInstanceOf(WecomQuotaError);
      expect(attempts(chatId)).toHaveLength(QUOTA.perDay + 1);

      now = new Date("2026-11-22T16:00:01Z").getTime(); // 00:00:01 in Beijing
      await sendPush("新的一天");
      expect(attempts(chatId).at(-1)).toMatchObject({ errcode: 0 });
    } finally {
      fake.clock = realClock;
      await adapter.stop();
      redis.disconnect();
    }
  });
});
