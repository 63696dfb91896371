/**
 * Tells the gateway which community a chat belongs to, for the per-community backlog cap and
 * priority (bot/inbound-limits.ts): the gateway cannot ask PostgreSQL on its hot path, the
 * worker can. One indexed lookup and one Redis write per chat and minute per process.
 */
import type { Sql } from "../db/client.ts";
import type { InboundLimits } from "../bot/inbound-limits.ts";
import type { InboundMessage } from "../messages/messages.ts";

const TTL_MS = 60_000;
const MAX_ENTRIES = 50_000;

export class CommunityMap {
  private readonly known = new Map<string, { community: number | null; until: number }>();
  constructor(
    private readonly sql: Sql,
    private readonly limits: InboundLimits,
  ) {}

  async note(m: Pick<InboundMessage, "platform" | "chatId">, nowMs = Date.now()): Promise<void> {
    const key = `${m.platform}:${m.chatId}`;
    const cached = this.known.get(key);
    if (cached && cached.until > nowMs) return;
    const { rows } = await this.sql.query<{ communityId: number }>({
      name: "chat-community",
      text: `SELECT "communityId" FROM "ChatGroup" WHERE platform = $1 AND "chatId" = $2`,
      values: [m.platform, m.chatId],
    });
    const community = rows[0]?.communityId ?? null;
    await this.limits.setCommunity(m, community); // also renews the key's expiry
    if (this.known.size >= MAX_ENTRIES) this.known.clear(); // a crude bound; misses only cost a lookup
    this.known.set(key, { community, until: nowMs + TTL_MS });
  }
}
