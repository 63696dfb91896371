/**
 * Running the scheduler's tick directly at chosen instants (the injected clock), against the real
 * PostgreSQL and a real BullMQ outbound queue on its own prefix; reading what it queued.
 */
import pino from "pino";
import { afterAll, beforeAll } from "vitest";
import type { App } from "../../app/app.ts";
import type { Logger } from "../../config/logger.ts";
import { createDatabase, type Database } from "../../db/client.ts";
import type { OutboundMessage } from "../../messages/messages.ts";
import { createRedis } from "../../config/redis.ts";
import { createProducers, type Producers } from "../../messages/producers.ts";
import { runDueWork, type DueWorkResult } from "../../workers/schedule/due-work.ts";
import { TEST_DATABASE_URL, testPrefix } from "./env.ts";
import { startTestApp } from "./harness.ts";
import { ownDatabase } from "./own-database.ts";

export class Ticker {
  readonly logs: string[] = [];
  readonly log: Logger;
  private readonly closers: (() => Promise<unknown>)[] = [];
  readonly producers: Producers;

  constructor(
    readonly db: App["db"],
    readonly prefix = testPrefix("js"),
    private readonly databaseUrl = TEST_DATABASE_URL,
  ) {
    this.log = pino({ level: "warn" }, { write: (line: string) => void this.logs.push(line) }) as unknown as Logger;
    const redis = createRedis({ kind: "standalone", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }, { forWorker: false });
    this.producers = createProducers(redis, prefix);
    this.closers.push(
      () => this.producers.close(),
      () => redis.quit(),
    );
  }

  tick(at: Date): Promise<DueWorkResult> {
    return runDueWork({ db: this.db, producers: this.producers, log: this.log, now: () => at }, at);
  }

  /** A second "worker process": its own PostgreSQL pool and Redis connection, same queue prefix. */
  otherWorker(): { tick(at: Date): Promise<DueWorkResult> } {
    const database: Database = createDatabase(this.databaseUrl, 3);
    const redis = createRedis({ kind: "standalone", url: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" }, { forWorker: false });
    const producers = createProducers(redis, this.prefix);
    this.closers.push(
      () => producers.close(),
      () => redis.quit(),
      () => database.db.$disconnect(),
      () => database.sql.end(),
    );
    return { tick: (at) => runDueWork({ db: database.db, producers, log: this.log, now: () => at }, at) };
  }

  /** Messages queued for the given chats (group ids or user ids), oldest first. */
  async sent(chatIds: readonly string[]): Promise<(OutboundMessage & { jobId: string })[]> {
    const jobs = await this.producers.outbound.queue.getJobs(["waiting", "delayed", "prioritized", "active", "completed"], 0, -1, true);
    return jobs.filter((j) => chatIds.includes((j.data as OutboundMessage).chatId)).map((j) => ({ ...(j.data as OutboundMessage), jobId: j.id ?? "" }));
  }

  async texts(chatIds: readonly string[]): Promise<string[]> {
    return (await this.sent(chatIds)).map((m) => m.replies.map((r) => r.text).join("\n"));
  }

  async close(): Promise<void> {
    for (const c of this.closers.reverse()) await c().catch(() => undefined);
  }
}

/**
 * A test app on the file's injected clock and a Ticker on the file's own database (see
 * own-database.ts; `database` names it), started before the file's tests and closed after them.
 * Read `app` and `ticker` inside tests (set in beforeAll).
 */
export function scheduleTestApp(clock: () => Date, database: string): { readonly app: App; readonly ticker: Ticker } {
  const started = {} as { app: App; ticker: Ticker };
  beforeAll(async () => {
    const url = await ownDatabase(database);
    started.app = await startTestApp({ DATABASE_URL: url }, clock);
    started.ticker = new Ticker(started.app.db, testPrefix("js"), url);
  });
  afterAll(async () => {
    await started.ticker?.close();
    await started.app?.close();
  });
  return started;
}
