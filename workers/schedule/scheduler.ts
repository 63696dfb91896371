/**
 * The BullMQ job scheduler that runs the due-work tick (once a minute by default). BullMQ keeps
 * one scheduler per id in Redis, so several worker processes upserting it still produce one tick
 * per interval; the ledger makes even overlapping ticks send each push once. The tick's worker is
 * registered through the WorkerManager like every other (logging, stalled handling, reclaim).
 */
import { Queue } from "bullmq";
import type { RedisClient } from "../../config/redis.ts";
import { DEFAULT_JOB_OPTIONS } from "../../messages/producers.ts";
import { QUEUE } from "../../messages/queues.ts";
import type { WorkerManager } from "../worker-manager.ts";
import { runDigestWork } from "./digest-work.ts";
import { runDistrictDigestWork } from "./district-digest-work.ts";
import { runDueWork } from "./due-work.ts";
import { runFileDeletionWork } from "./file-deletion-work.ts";
import { runRetentionWork } from "./retention-work.ts";
import type { ScheduleDeps } from "./push.ts";

export const SCHEDULE_QUEUE = QUEUE.schedule;
const SCHEDULER_ID = "due-work";

export interface Scheduler {
  close(): Promise<void>;
}

export async function startScheduler(deps: ScheduleDeps, opts: { workers: WorkerManager; connection: RedisClient; prefix: string; everyMs: number }): Promise<Scheduler> {
  const queue = new Queue(SCHEDULE_QUEUE, { connection: opts.connection, prefix: opts.prefix });
  // Without a listener BullMQ prints connection errors raw to stderr: through pino instead.
  queue.on("error", (err) => deps.log.warn({ queue: SCHEDULE_QUEUE, err: err.message }, "scheduler queue connection error"));
  await queue.upsertJobScheduler(SCHEDULER_ID, { every: opts.everyMs }, { name: "tick", data: {}, opts: DEFAULT_JOB_OPTIONS[QUEUE.schedule] });
  // The job's own timestamp is ignored: the injected clock says what "now" is. One tick at a time.
  const worker = opts.workers.register(
    QUEUE.schedule,
    async () => {
      const now = deps.now();
      const meetings = await runDueWork(deps, now);
      const done = { ...meetings, digest: await runDigestWork(deps, now), districtDigest: await runDistrictDigestWork(deps, now), retention: await runRetentionWork(deps, now) };
      // Last: carries out what this tick's retention (and any erasure since the last tick) recorded.
      return { ...done, filesDeleted: await runFileDeletionWork(deps) };
    },
    1,
  );
  return {
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
