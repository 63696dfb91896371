/**
 * Replies before pushes on the one outbound queue (real Redis, BullMQ, PostgreSQL ledger): 200
 * scheduled pushes claimed and queued the way a fan-out does, then a reply queued the way the
 * inbound worker does; one sender working through the queue sends the reply first, and the
 * pushes in the order they were queued (a digest's parts stay in order).
 */
import { Queue, Worker } from "bullmq";
import type { PlatformAdapter } from "../bot/adapter.ts";
import { RateLimiter } from "../bot/rate-limiter.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import type { OutboundMessage } from "../messages/messages.ts";
import { createProducers, outboundJobId, SCHEDULED_PUSH, type Producers } from "../messages/producers.ts";
import { outboundProcessor } from "../workers/outbound.ts";
import { createRedis } from "../config/redis.ts";
import { pushAll } from "../workers/schedule/push.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { testPrefix } from "./support/env.ts";

let app: App;
let producers: Producers;
const redis = createRedis({ kind: "standalone", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }, { forWorker: false });
const prefix = testPrefix("prio"); // its keys are removed when the file ends (support/redis-cleanup.ts)

beforeAll(async () => {
  app = await startTestApp();
  producers = createProducers(redis, prefix);
});
afterAll(async () => {
  await producers?.close();
  await redis.quit();
  await app?.close();
});

describe("the outbound queue", () => {
  it("sends a reply queued after 200 scheduled pushes before any of them; the pushes stay in their order", async () => {
    const g = await boundGroup(app);
    const { communityId } = await app.db.chatGroup.findFirstOrThrow({ where: { chatId: g.chatId } });
    const now = new Date();
    const items = Array.from({ length: 200 }, (_, i) => ({
      push: { communityId, kind: "test-fanout", occurrenceKey: `${prefix}@${i}`, dueAt: now, late: false, reply: { text: `推送${i}` } },
      to: { key: `user:sim:${prefix}-${i}`, platform: "sim" as const, chatId: `${prefix}-${i}`, chatType: "direct" as const },
    }));
    expect(await pushAll({ db: app.db, producers, log: app.log, now: () => now }, now, items)).toBe(200);
    await producers.outbound.add({ platform: "sim", chatId: g.chatId, chatType: "group", replyTo: "m1", replies: [{ text: "已记录" }] }, outboundJobId(`${prefix}-reply`));

    const order: string[] = [];
    const workerRedis = createRedis({ kind: "standalone", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
    const worker = new Worker(
      "outbound",
      async (job) => {
        order.push((job.data as OutboundMessage).replies[0]!.text);
      },
      { connection: workerRedis, prefix, concurrency: 1 },
    );
    try {
      const until = Date.now() + 30_000;
      while (order.length < 201 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await worker.close();
      await workerRedis.quit();
    }
    expect(order[0]).toBe("已记录");
    expect(order.slice(1)).toEqual(items.map((x) => x.push.reply.text));
  });

  it("scheduled pushes use only their budget of platform calls; replies are not counted against it and are not held", async () => {
    const p = testPrefix("budget");
    const conn = createRedis({ kind: "standalone", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" });
    const queue = new Queue("outbound", { connection: conn, prefix: p });
    const sent: string[] = [];
    const adapter = { plan: (m: OutboundMessage) => [{ send: async () => void sent.push(m.replies[0]!.text) }] } as unknown as PlatformAdapter;
    const limiter = new RateLimiter(conn, p, { limit: 20, windowMs: 60_000 });
    const budget = new RateLimiter(conn, p, { limit: 2, windowMs: 60_000 });
    const run = outboundProcessor(new Map([["sim", adapter]]), limiter, undefined, budget);
    for (let i = 0; i < 5; i++) await queue.add("outbound", { platform: "sim", chatId: `u${i}`, chatType: "direct", replies: [{ text: `推送${i}` }] }, { ...SCHEDULED_PUSH, jobId: `push-${i}` });
    for (let i = 0; i < 3; i++) await queue.add("outbound", { platform: "sim", chatId: "g", chatType: "group", replyTo: `m${i}`, replies: [{ text: `回复${i}` }] }, { jobId: `reply-${i}` });
    const worker = new Worker("outbound", (job, token) => run(job.data as OutboundMessage, job, token), { connection: conn, prefix: p, concurrency: 4 });
    try {
      const until = Date.now() + 10_000;
      while (sent.length < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 500));
      expect(sent.filter((t) => t.startsWith("回复"))).toHaveLength(3);
      expect(sent.filter((t) => t.startsWith("推送"))).toHaveLength(2);
      // The other three wait (delayed), not dropped.
      expect(await queue.getDelayedCount()).toBe(3);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await conn.quit();
    }
  });
});
