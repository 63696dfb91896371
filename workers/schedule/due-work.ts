/**
 * One scheduler tick: "what is due now?" asked of PostgreSQL with the injected clock, for every
 * community with meetings. Safe to run concurrently (two workers, a repeated tick): each push is
 * claimed in the delivery ledger before it is queued.
 */
import type { Overrides } from "../../core/meetings/calendar.ts";
import { holidayOverrides, ruleOf } from "../../db/meetings.ts";
import { dueCommunities, openItemsOf } from "./community.ts";
import { meetingPushes } from "./meeting-pushes.ts";
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
  let queued = 0;
  for (const c of communities) {
    try {
      const [items, rule] = await Promise.all([openItemsOf(deps.db, c.id), ruleOf(deps.db, c.id)]);
      const to = new Audience(deps.db, c.id);
      // Holiday overrides are read only when a meeting is close enough for a holiday check.
      let overrides: Promise<Overrides> | undefined;
      const lazyOverrides = () => (overrides ??= holidayOverrides(deps.db, c.id));
      queued += await meetingPushes(deps, now, c, { rule, openItems: items, overrides: lazyOverrides, to });
      queued += await actionItemPushes(deps, now, c, items, to);
      queued += await nothingThisMonth(deps, now, c, rule?.rrule.includes("FREQ=MONTHLY") ?? false, to);
    } catch (e) {
      // One community's bad data must not stop the others' reminders; the next tick tries again.
      deps.log.error({ communityId: c.id, err: e instanceof Error ? e.stack : String(e) }, "scheduled work failed for a community");
    }
  }
  return { communities: communities.length, queued, repaired };
}
