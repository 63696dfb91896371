/**
 * Every worker is registered here: concurrency, payload parsing (a bad payload fails without
 * retry), logging with job ids, stalled/failed handling, and closing all on shutdown.
 */
import { hostname } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { RedisClient } from "../config/redis.ts";
import { retries } from "../bot/metrics.ts";
import type { Logger } from "../config/logger.ts";
import { jobSchemas, type JobPayload, type QueueName } from "../messages/queues.ts";
import { Reclaimer } from "./reclaim.ts";

export interface WorkerOptions {
  connection: RedisClient;
  prefix: string;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  log: Logger;
  /** Dead-process detection (workers/reclaim.ts): sweep period and heartbeat lifetime, for tests. */
  reclaim?: { sweepMs?: number; aliveMs?: number };
}

/**
 * A job started this often is failed rather than run again: a message that kills its process each
 * time (out of memory, say) would otherwise be reclaimed after every restart for ever. Above any
 * queue's attempts plus maxStalledCount, so only such a loop reaches it.
 */
export const MAX_STARTS = 25;

export interface RegisterOptions {
  /**
   * The handler applies the MAX_STARTS guard itself: BullMQ counts every start, also the ones
   * after a job moved itself to "delayed" on purpose (a rate limit, a throttled platform, the
   * push budget). During a fan-out a push may wait its turn dozens of times, and BullMQ would fail
   * it as "job started more than allowable limit": a digest part dropped in silence.
   */
  countsOwnStarts?: boolean;
}

export class WorkerManager {
  private readonly workers: Worker[] = [];
  private readonly reclaimer: Reclaimer;
  constructor(private readonly opts: WorkerOptions) {
    this.reclaimer = new Reclaimer({ connection: opts.connection, prefix: opts.prefix, log: opts.log, ...opts.reclaim });
  }

  register<Q extends QueueName, R>(name: Q, handler: (payload: JobPayload<Q>, job: Job, token?: string) => Promise<R>, concurrency = this.opts.concurrency, options: RegisterOptions = {}): Worker {
    const log = this.opts.log.child({ queue: name });
    const worker = new Worker(
      name,
      async (job: Job, token?: string) => {
        const parsed = jobSchemas[name].safeParse(job.data);
        if (!parsed.success) throw new UnrecoverableError(`bad ${name} payload: ${parsed.error.issues[0]?.message ?? "invalid"}`);
        return handler(parsed.data as JobPayload<Q>, job, token);
      },
      {
        connection: this.opts.connection,
        prefix: this.opts.prefix,
        // Recorded on each job as processedBy: which process ran it.
        name: `${hostname()}:${process.pid}`,
        concurrency,
        lockDuration: this.opts.lockDuration,
        stalledInterval: this.opts.stalledInterval,
        // A job stalls when its worker died (or, rarely, blocked past the lock): run it again, it is idempotent.
        maxStalledCount: 10,
        ...(options.countsOwnStarts ? {} : { maxStartedAttempts: MAX_STARTS }),
      },
    );
    worker.on("failed", (job, err) => {
      log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, "job failed");
      if (job && job.attemptsMade < (job.opts.attempts ?? 1)) retries.inc({ queue: name, reason: "error" });
    });
    worker.on("stalled", (jobId) => log.warn({ jobId }, "job stalled; it will run again"));
    worker.on("error", (err) => log.error({ err: err.message }, "worker error"));
    this.workers.push(worker);
    this.reclaimer.add(name, worker.id);
    return worker;
  }

  /**
   * `force`: do not wait for the jobs in hand (they wait for a database that is down); their locks
   * stay active; the next process (or a peer) reclaims them once this one's connection closes.
   */
  async closeAll(force = false): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(force)));
    await this.reclaimer.stop(force);
  }
}
