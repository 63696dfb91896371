/**
 * Who gets a community's weekly digest 1:1: principals (unless they unsubscribed) and members who
 * subscribed, on each of their platform accounts, with their school (their section goes first).
 *
 * "Never talked 1:1": WeCom's 智能机器人 can message a user proactively only after that user has
 * had a 1:1 session with it (developer.work.weixin.qq.com/document/path/101463, 主动回复消息). We
 * count a WeCom account as reached when a message of theirs in their 1:1 chat changed data and
 * was recorded in ProcessedMessage (key "wecom:<userId>:<msgid>": a 1:1 chat's id is the user id).
 * Read-only 1:1 commands leave no trace, so /周报 订阅 in the 1:1 chat is what we ask for.
 * DingTalk robots send 1:1 to any member of the organisation, the simulator to anyone.
 */
import type { Tx } from "./client.ts";

export interface DigestReader {
  memberId: number;
  name: string;
  schoolId: number | null;
  platform: string;
  userId: string;
}

const NEEDS_FIRST_CONTACT = new Set(["wecom"]);

export async function digestReaders(db: Tx, communityId: number): Promise<{ reachable: DigestReader[]; unreached: DigestReader[] }> {
  const members = await db.member.findMany({
    // digest IS NULL spelled out: NOT (digest = false) is NULL, not true, for a NULL column.
    where: { communityId, OR: [{ digest: true }, { roles: { has: "principal" }, digest: null }] },
    include: { identities: { orderBy: { id: "asc" } } },
    orderBy: { id: "asc" },
  });
  const readers = members.flatMap((m) => m.identities.map((i) => ({ memberId: m.id, name: m.displayName, schoolId: m.schoolId, platform: i.platform, userId: i.userId })));
  const gated = readers.filter((r) => NEEDS_FIRST_CONTACT.has(r.platform));
  const reached = new Set<string>();
  if (gated.length > 0) {
    const patterns = gated.map((r) => `${r.platform}:${r.userId.replace(/[\\%_]/g, "\\$&")}:%`);
    const rows = await db.$queryRaw<{ prefix: string }[]>`
      SELECT DISTINCT split_part(key, ':', 1) || ':' || split_part(key, ':', 2) AS prefix
      FROM "ProcessedMessage" WHERE key LIKE ANY(${patterns}::text[])`;
    for (const r of rows) reached.add(r.prefix);
  }
  const ok = (r: DigestReader) => !NEEDS_FIRST_CONTACT.has(r.platform) || reached.has(`${r.platform}:${r.userId}`);
  return { reachable: readers.filter(ok), unreached: readers.filter((r) => !ok(r)) };
}
