/**
 * What a scheduler bench (digest.ts, due-work.ts) runs against: its own database (created and
 * migrated), Redis queues under a fresh prefix, a logger at `level`, and a run id for names.
 */
import { randomUUID } from "node:crypto";
import pino from "pino";
import { preparePostgres } from "../app/preflight.ts";
import type { Logger } from "../config/logger.ts";
import { createRedis } from "../config/redis.ts";
import { createDatabase } from "../db/client.ts";
import { createProducers } from "../messages/producers.ts";

export async function schedulerHarness(databaseUrl: string, level: "warn" | "silent") {
  await preparePostgres(databaseUrl);
  const { db, sql } = createDatabase(databaseUrl, 10);
  const redis = createRedis({ kind: "standalone", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }, { forWorker: false });
  const producers = createProducers(redis, `bench-${randomUUID().slice(0, 8)}`);
  const log = pino({ level }) as unknown as Logger;
  return { db, sql, redis, producers, log, run: `b${randomUUID().slice(0, 8)}` };
}
