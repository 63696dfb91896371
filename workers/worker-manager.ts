/**
 * Every worker is registered here: concurrency, payload parsing (a bad payload fails without
 * retry), logging with job ids, stalled/failed handling, and closing all on shutdown.
 */
import { hostname } from "node:os";
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { retries } from "../bot/metrics.ts";
import type { Logger } from "../config/logger.ts";
import { jobSchemas, type JobPayload, type QueueName } from "../messages/queues.ts";

export interface WorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  lockDuration: number;
  stalledInterval: number;
  log: Logger;
}

export class WorkerManager {
  private readonly workers: Worker[] = [];
  constructor(private readonly opts: WorkerOptions) {}

  register<Q extends QueueName, R>(name: Q, handler: (payload: JobPayload<Q>, job: Job, token?: string) => Promise<R>, concurrency = this.opts.concurrency): Worker {
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
      },
    );
    worker.on("failed", (job, err) => {
      log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, "job failed");
      if (job && job.attemptsMade < (job.opts.attempts ?? 1)) retries.inc({ queue: name, reason: "error" });
    });
    worker.on("stalled", (jobId) => log.warn({ jobId }, "job stalled; it will run again"));
    worker.on("error", (err) => log.error({ err: err.message }, "worker error"));
    this.workers.push(worker);
    return worker;
  }

  /**
   * `force`: do not wait for the jobs in hand (they wait for a database that is down); their locks
   * lapse and the next process takes them over as stalled jobs, without using up an attempt.
   */
  async closeAll(force = false): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(force)));
  }
}
