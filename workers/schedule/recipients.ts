/** Where a community's pushes go: its bound groups, and 1:1 to members of a role on each of their accounts. */
import type { Db } from "../../db/client.ts";
import { platformSchema, type Platform } from "../../messages/messages.ts";

export interface Recipient {
  /** The ledger's recipient: "group:<platform>:<chatId>" or "user:<platform>:<userId>". */
  key: string;
  platform: Platform;
  chatId: string;
  chatType: "group" | "direct";
}

export async function groupsOf(db: Db, communityId: number): Promise<Recipient[]> {
  const rows = await db.chatGroup.findMany({ where: { communityId }, orderBy: { id: "asc" } });
  return rows.flatMap((g) => {
    const p = platformSchema.safeParse(g.platform);
    return p.success ? [{ key: `group:${p.data}:${g.chatId}`, platform: p.data, chatId: g.chatId, chatType: "group" as const }] : [];
  });
}

/** Every platform account of the given members (or of members with a role). */
export async function accountsOf(db: Db, communityId: number, who: { role: "admin" | "principal" } | { memberIds: number[] }): Promise<Recipient[]> {
  const where = "role" in who ? { communityId, roles: { has: who.role } } : { communityId, id: { in: who.memberIds } };
  const members = await db.member.findMany({ where, include: { identities: { orderBy: { id: "asc" } } }, orderBy: { id: "asc" } });
  return members.flatMap((m) =>
    m.identities.flatMap((i) => {
      const p = platformSchema.safeParse(i.platform);
      return p.success ? [{ key: `user:${p.data}:${i.userId}`, platform: p.data, chatId: i.userId, chatType: "direct" as const }] : [];
    }),
  );
}

/** Accounts of the given members, or the community's groups when they have none (nobody is left out). */
export async function accountsOrGroups(db: Db, communityId: number, who: Parameters<typeof accountsOf>[2]): Promise<Recipient[]> {
  const accounts = await accountsOf(db, communityId, who);
  return accounts.length > 0 ? accounts : groupsOf(db, communityId);
}
