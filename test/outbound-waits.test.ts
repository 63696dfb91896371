/**
 * A push that waits its turn many times is still sent (real Redis, BullMQ and the WorkerManager
 * the app uses). BullMQ counts every start of a job, also the ones after it moved itself to
 * "delayed" for the push budget; with the crash-loop guard (maxStartedAttempts) on those starts,
 * pushes behind a long fan-out failed as "job started more than allowable limit" and were never
 * sent (found by bench/province.ts: 19 of 390 digest parts lost without any fault). Crash loops
 * are still stopped: starts that were not waits still count.
 */
import { Queue, type Job } from "bullmq";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { PlatformAdapter } from "../bot/adapter.ts";
import { RateLimiter } from "../bot/rate-limiter.ts";
import type { Logger } from "../config/logger.ts";
import { createRedis } from "../config/redis.ts";
import type { OutboundMessage } from "../messages/messages.ts";
import { SCHEDULED_PUSH } from "../messages/producers.ts";
import { outboundProcessor } from "../workers/outbound.ts";
import { MAX_STARTS, WorkerManager } from "../workers/worker-manager.ts";
import { testPrefix } from "./support/env.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const conn = createRedis({ kind: "standalone", url });
const log = pino({ level: "silent" }) as unknown as Logger;
afterAll(async () => conn.quit());

function manager(prefix: string) {
  return new WorkerManager({ connection: createRedis({ kind: "standalone", url }), prefix, concurrency: 8, lockDuration: 30_000, stalledInterval: 30_000, log });
}

async function settle(queue: Queue, total: number, timeoutMs: number): Promise<{ completed: number; failed: Job[] }> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts("completed", "failed");
    if ((counts.completed ?? 0) + (counts.failed ?? 0) >= total || Date.now() > until) return { completed: counts.completed ?? 0, failed: await queue.getFailed() };
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("outbound jobs that wait their turn", () => {
  it(`are sent after more than ${MAX_STARTS} waits for the push budget, none failed`, async () => {
    const prefix = testPrefix("waits");
    const queue = new Queue("outbound", { connection: conn, prefix });
    const sent: string[] = [];
    const adapter = { plan: (m: OutboundMessage) => [{ send: async () => void sent.push(m.chatId) }] } as unknown as PlatformAdapter;
    // One push per ~320 ms (the 20 ms window plus the limiter's 300 ms margin): 36 pushes take
    // ~11 s, and the eight sending slots keep picking up the ones still waiting.
    const budget = new RateLimiter(conn, prefix, { limit: 1, windowMs: 20 });
    const limiter = new RateLimiter(conn, prefix, { limit: 100, windowMs: 60_000 });
    const workers = manager(prefix);
    const total = 36;
    for (let i = 0; i < total; i++) await queue.add("outbound", { platform: "sim", chatId: `u${i}`, chatType: "direct", replies: [{ text: `周报${i}` }] }, { ...SCHEDULED_PUSH, jobId: `push-${i}` });
    workers.register("outbound", outboundProcessor(new Map([["sim", adapter]]), limiter, undefined, budget), 8, { countsOwnStarts: true });
    try {
      const { completed, failed } = await settle(queue, total, 40_000);
      expect(failed.map((j) => j.failedReason)).toEqual([]);
      expect(completed).toBe(total);
      expect(new Set(sent).size).toBe(total);
      expect(sent).toHaveLength(total);
      // The point of the test: some push really did wait more often than the guard allows.
      const mostStarts = Math.max(...(await queue.getCompleted(0, total)).map((j) => j.attemptsStarted));
      expect(mostStarts).toBeGreaterThan(MAX_STARTS);
    } finally {
      await workers.closeAll();
      await queue.close();
    }
  }, 60_000);

  it("still fail once started too often without waiting (a message that crashes its process each time)", async () => {
    const prefix = testPrefix("crashloop");
    const queue = new Queue("outbound", { connection: conn, prefix });
    const adapter = { plan: () => [{ send: async () => undefined }] } as unknown as PlatformAdapter;
    const limiter = new RateLimiter(conn, prefix, { limit: 100, windowMs: 60_000 });
    const run = outboundProcessor(new Map([["sim", adapter]]), limiter);
    await queue.add("outbound", { platform: "sim", chatId: "u", chatType: "direct", replies: [{ text: "x" }] }, { jobId: "looping" });
    const job = (await queue.getJob("looping"))!;
    // As a job reclaimed after each of MAX_STARTS + 1 crashes looks when it starts again.
    job.attemptsStarted = MAX_STARTS + 1;
    await expect(run(job.data as OutboundMessage, job)).rejects.toThrow(/started 26 times, 0 of them after waiting/);
    job.attemptsStarted = MAX_STARTS + 1;
    job.progress = { sent: 0, waits: 5 };
    await expect(run(job.data as OutboundMessage, job)).resolves.toBeUndefined();
    await queue.close();
  });
});
