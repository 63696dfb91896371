/**
 * The retention step of the scheduler's tick: the first tick of each day (Beijing's calendar,
 * where the schools are) prunes what is past its period (db/privacy/retention.ts); every other
 * tick that day costs one INSERT that finds the day's row.
 */
import { todayIn } from "../../core/dates.ts";
import { DEFAULT_RETENTION } from "../../core/privacy/policy.ts";
import { type RetentionCounts, runRetention, sweepOrphanPhotoFiles } from "../../db/privacy/retention.ts";
import type { ScheduleDeps } from "./push.ts";

const ZONE = "Asia/Shanghai";

export async function runRetentionWork(deps: ScheduleDeps, now: Date): Promise<RetentionCounts | null> {
  const day = todayIn(now, ZONE);
  const counts = await runRetention(deps.db, { now, day, defaults: deps.privacy?.retention ?? DEFAULT_RETENTION });
  if (!counts) return counts;
  deps.log.info({ day, ...counts }, "retention: expired personal data deleted");
  if (deps.files) {
    // A bucket's orphans, once a day after the run; a failure waits for tomorrow's run (the rows are gone already, the rule finds them again).
    const orphans = await sweepOrphanPhotoFiles(deps.db, deps.files, now).catch((e: unknown) => {
      deps.log.warn({ err: e instanceof Error ? e.message : String(e) }, "retention: sweeping the file store for orphan photos failed");
      return 0;
    });
    if (orphans > 0) deps.log.info({ day, orphans }, "retention: orphan photo files deleted from the file store");
  }
  return counts;
}
