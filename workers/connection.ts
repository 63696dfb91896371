/** Redis connections for BullMQ: workers need maxRetriesPerRequest null (blocking commands). */
import { Redis } from "ioredis";

export function createRedis(url: string, forWorker = true, autoPipelining = false): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: forWorker ? null : 3,
    // Batches commands issued in the same tick into one socket write: under a burst this cuts
    // system calls several-fold. Only for connections that never block (producers, pub).
    enableAutoPipelining: autoPipelining,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}
