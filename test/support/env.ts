/** Test configuration: the machine's real PostgreSQL and Redis, a separate database, unique prefixes. */
import { randomUUID } from "node:crypto";
import { loadEnv, type Env } from "../../config/env.ts";

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_test";

/** A unique string for community names, chat ids and queue prefixes, so tests never share state. */
export const unique = (stem = "t") => `${stem}${randomUUID().replace(/-/g, "").slice(0, 12)}`;

// Every queue prefix this test file used: test/support/redis-cleanup.ts deletes their keys when the
// file ends, so a run leaves the shared Redis as it found it (BullMQ keeps completed jobs forever).
const prefixesUsed = new Set<string>();
export const usedQueuePrefixes = (): readonly string[] => [...prefixesUsed];

/** A unique BullMQ/Redis key prefix whose keys are removed after the test file. */
export function testPrefix(stem = "jt"): string {
  const prefix = unique(stem);
  prefixesUsed.add(prefix);
  return prefix;
}

export function testEnv(overrides: Record<string, string> = {}): Env {
  const env = loadEnv({
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    PORT: "0",
    LOG_LEVEL: "silent",
    QUEUE_PREFIX: testPrefix(),
    DB_POOL_SIZE: "5",
    // Scheduled pushes tick over every community in the shared test database: only the tests that
    // exercise the scheduler turn it on (a fixed-clock app would otherwise claim others' pushes).
    SCHEDULER_ENABLED: "false",
    // Tests fire bursts from one user; the limits have their own test (test/limits.test.ts).
    RATE_LIMIT_PER_SENDER: "100000",
    RATE_LIMIT_PER_CHAT: "100000",
    ...overrides,
  });
  prefixesUsed.add(env.QUEUE_PREFIX);
  return env;
}
