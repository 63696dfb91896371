/** The communities the scheduler looks at, with what every push needs to know about them. */
import type { OpenItem } from "../../core/meetings/compose.ts";
import { DEFAULT_OFFSETS } from "../../core/meetings/due.ts";
import type { Db } from "../../db/client.ts";
import { toDay } from "../../core/dates.ts";
import { termSettingOf } from "../../core/terms.ts";

export interface DueCommunity {
  id: number;
  name: string;
  timezone: string;
  reminderOffsets: number[];
  remindersChangedAt: Date | null;
  termName: string | null;
  termStart: string | null;
  termEnd: string | null;
}

/** Communities that have a meeting rule, a recent or coming meeting, or an open action item. */
export async function dueCommunities(db: Db, now: Date): Promise<DueCommunity[]> {
  const since = new Date(now.getTime() - 9 * 86_400_000);
  const rows = await db.community.findMany({
    where: { OR: [{ meetingRule: { isNot: null } }, { meetings: { some: { startsAt: { gte: since } } } }, { actionItems: { some: { doneAt: null } } }] },
    orderBy: { id: "asc" },
  });
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    timezone: c.timezone,
    reminderOffsets: c.reminderOffsets.length > 0 ? c.reminderOffsets : DEFAULT_OFFSETS,
    remindersChangedAt: c.remindersChangedAt,
    ...termSettingOf(c),
  }));
}

/** plannedAt: when the item (and so its due date) was written. */
export type OpenItemRow = OpenItem & { id: number; ownerId: number | null; plannedAt: Date };

/** Open action items of the listed communities, by community, in number order. */
export async function openItemsOf(db: Db, communityIds: number[]): Promise<Map<number, OpenItemRow[]>> {
  const rows = await db.actionItem.findMany({ where: { communityId: { in: communityIds }, doneAt: null }, orderBy: { number: "asc" } });
  const out = new Map<number, OpenItemRow[]>();
  for (const r of rows)
    out.set(r.communityId, [
      ...(out.get(r.communityId) ?? []),
      { id: r.id, plannedAt: r.createdAt, number: r.number, owner: r.ownerName, ownerId: r.ownerId, task: r.task, due: r.due && toDay(r.due) },
    ]);
  return out;
}
