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

/** A community's recipients, each list loaded at most once per tick (a tick may send many pushes). */
export class Audience {
  private readonly memo = new Map<string, Promise<Recipient[]>>();
  constructor(
    private readonly db: Db,
    readonly communityId: number,
  ) {}

  private once(key: string, load: () => Promise<Recipient[]>): Promise<Recipient[]> {
    let p = this.memo.get(key);
    if (!p) {
      p = load();
      this.memo.set(key, p);
    }
    return p;
  }

  groups = () => this.once("groups", () => groupsOf(this.db, this.communityId));
  principals = () => this.once("principals", () => accountsOf(this.db, this.communityId, { role: "principal" }));
  /** Admins' accounts, or the groups when no admin has one. */
  admins = () => this.once("admins", () => accountsOrGroups(this.db, this.communityId, { role: "admin" }));
  /** One member's accounts (an organizer, an action item's owner), else the admins. */
  member = (id: number | null) =>
    id === null
      ? this.admins()
      : this.once(`member:${id}`, async () => {
          const own = await accountsOf(this.db, this.communityId, { memberIds: [id] });
          return own.length > 0 ? own : this.admins();
        });
}
