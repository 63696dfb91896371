/**
 * Replies before pushes on the one outbound queue (real Redis, BullMQ, PostgreSQL ledger): 200
 * scheduled pushes claimed and queued the way a fan-out does, then a reply queued the way the
 * inbound worker does; one sender working through the queue sends the reply first, and the
 * pushes in the order they were queued (a digest's parts stay in order).
 */
import { Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import type { OutboundMessage } from "../messages/messages.ts";
import { createProducers, outboundJobId, type Producers } from "../messages/producers.ts";
import { createRedis } from "../workers/connection.ts";
import { pushAll } from "../workers/schedule/push.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { unique } from "./support/env.ts";

let app: App;
let producers: Producers;
const redis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", false);
const prefix = unique("prio");

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
    const workerRedis = createRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
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
});
