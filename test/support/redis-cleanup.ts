/**
 * Setup file (vitest.config.ts): after each test file, deletes every Redis key under the queue
 * prefixes it used (test/support/env.ts testPrefix/testEnv). BullMQ keeps completed jobs, events
 * and ids without expiry, so without this each full run left ~10,000 keys in the Redis it was given.
 * Registered before the file's own hooks, so with vitest's stacked hooks it runs after them, once
 * the file's apps are closed.
 */
import { Redis } from "ioredis";
import { afterAll } from "vitest";
import { usedQueuePrefixes } from "./env.ts";

afterAll(async () => {
  const prefixes = usedQueuePrefixes();
  if (prefixes.length === 0) return;
  const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: 1 });
  try {
    for (const prefix of prefixes) {
      // `*` `?` `[` are glob characters in MATCH; test prefixes are letters and hex digits only.
      let cursor = "0";
      do {
        const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== "0");
    }
  } finally {
    redis.disconnect();
  }
}, 60_000);
