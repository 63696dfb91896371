/**
 * One scheduler tick: "what is due now?" asked of PostgreSQL with the injected clock, for every
 * community with meetings. Safe to run concurrently (two workers, a repeated tick): each push is
 * claimed in the delivery ledger before it is queued.
 */
import { scheduleFrom, schedulesOf } from "../../db/meetings.ts";
import { dueCommunities, openItemsOf } from "./community.ts";
import { meetingPushes, scheduleWindow } from "./meeting-pushes.ts";
import { actionItemPushes, nothingThisMonth } from "./other-pushes.ts";
import { repairUnqueued, type ScheduleDeps } from "./push.ts";
import { Audience } from "./recipients.ts";

export interface DueWorkResult {
  communities: number;
  queued: number;
  repaired: number;
}

export async function runDueWork(deps: ScheduleDeps, now: Date = deps.now()): Promise<DueWorkResult> {
  const repaired = await repairUnqueued(deps, now);
  const communities = await dueCommunities(deps.db, now);
  const ids = communities.map((c) => c.id);
  // Everything a quiet tick needs, for all communities at once; per-community queries only for what is due.
  const window = scheduleWindow(now);
  const [schedules, openItems] = await Promise.all([schedulesOf(deps.db, ids, window.from, window.to), openItemsOf(deps.db, ids)]);
  let queued = 0;
  for (const c of communities) {
    try {
      const rule = schedules.rule(c.id);
      const items = openItems.get(c.id) ?? [];
      const schedule = scheduleFrom(c, rule, schedules.rows(c.id), window.from, window.to);
      const to = new Audience(deps.db, c.id);
      queued += await meetingPushes(deps, now, c, { schedule, openItems: items, overrides: schedules.overrides(c.id), to });
      queued += await actionItemPushes(deps, now, c, items, to);
      queued += await nothingThisMonth(deps, now, c, rule?.rrule.includes("FREQ=MONTHLY") ?? false, to);
    } catch (e) {
      // One community's bad data must not stop the others' reminders; the next tick tries again.
      deps.log.error({ communityId: c.id, err: e instanceof Error ? e.stack : String(e) }, "scheduled work failed for a community");
    }
  }
  return { communities: communities.length, queued, repaired };
}
