/** Redis connections for BullMQ: workers need maxRetriesPerRequest null (blocking commands). */
import { Redis } from "ioredis";

export function createRedis(url: string, forWorker = true): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: forWorker ? null : 3,
    enableReadyCheck: true,
    lazyConnect: false,
  });
}
