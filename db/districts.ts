/** District (区县) data: admins by platform account, and each member community's figures. */
import type { Tx } from "./client.ts";
import { fromDay, toDay } from "../core/dates.ts";

export async function districtsAdministeredBy(db: Tx, platform: string, userId: string) {
  return db.districtAdmin.findMany({ where: { platform, userId }, include: { district: true }, orderBy: { id: "asc" } });
}

export interface DistrictCommunityRow {
  id: number;
  name: string;
  schools: number;
  activities: number;
  lastActivity: string | null;
}

/** Every community of the district with its figures for the range: three queries however many communities. */
export async function districtOverview(db: Tx, districtId: number, range: { from: string; to: string }, today: string): Promise<DistrictCommunityRow[]> {
  // Planned activities (dated after today) have not happened: they must not hide an idle community.
  const to = range.to < today ? range.to : today;
  const communities = await db.community.findMany({ where: { districtId }, orderBy: { name: "asc" }, select: { id: true, name: true, _count: { select: { schools: true } } } });
  const ids = communities.map((c) => c.id);
  const stats = ids.length
    ? await db.activity.groupBy({
        by: ["communityId"],
        where: { communityId: { in: ids }, revokedAt: null, date: { gte: fromDay(range.from), lte: fromDay(to) } },
        _count: { _all: true },
        _max: { date: true },
      })
    : [];
  return communities.map((c) => {
    const s = stats.find((x) => x.communityId === c.id);
    return { id: c.id, name: c.name, schools: c._count.schools, activities: s?._count._all ?? 0, lastActivity: s?._max.date ? toDay(s._max.date) : null };
  });
}
