/**
 * Inbound overload protection and fairness, in Redis only (no database on the gateway's hot path):
 * a per-sender and a per-chat limit on messages in any sliding minute (a log of admitted job ids;
 * a fixed per-minute counter would let a sender through twice the limit across a minute boundary), a cap on how many of one chat's (and
 * of one community's) messages may wait in the inbound queue, and a BullMQ priority per message
 * so that a quiet group's message overtakes a noisy group's backlog. Over a limit the sender is
 * told once per window; the rest are dropped. The backlog is a sorted set of queued job ids per
 * chat and per community, removed by the worker when done (entries of crashed runs age out after
 * an hour). Which community a chat belongs to is written to Redis by the worker
 * (workers/community-map.ts); until then (a chat's first message) only the chat counts.
 *
 * Priority (BullMQ: lower runs first, equal ones in order of arrival): one more than the larger
 * of the chat's and its community's backlog, and never below the chat's previous message's while
 * any of the chat's messages still waits, so one chat's messages keep their order. A burst of
 * 300 from group A takes priorities 1…300; group B's next message gets 1 and runs second.
 */
import type { RedisClient } from "../config/redis.ts";
import type { InboundMessage } from "../messages/messages.ts";

export interface InboundLimitSettings {
  perSender: number;
  perChat: number;
  maxBacklogPerChat: number;
  /** Sum over a community's chats; unset: no community cap. */
  maxBacklogPerCommunity?: number;
  windowMs?: number;
}

export type LimitVerdict = { ok: true; priority: number } | { ok: false; scope: "sender" | "chat" | "backlog" | "community"; tellSender: boolean };

const STALE_MS = 3600_000;
/** BullMQ's highest priority number (2^21). */
const MAX_PRIORITY = 2_097_152;

// KEYS: sender log zset, chat log zset, chat backlog zset, told flag, chat's last priority, and,
// when the chat's community is known, that community's backlog zset. ARGV: window ms, sender
// limit, chat limit, chat backlog cap, now ms, job id, community backlog cap (0: none). Every key
// is passed in, none built here: Redis Cluster routes a script by its declared keys (and all of
// ours share the prefix's hash tag). The community is read just before (one GET): a chat moved to
// another community meanwhile counts once more against the old one, for at most an hour.
// Only admitted messages enter the logs (member: the job id, so a redelivery counts once), so a
// flood that is refused does not extend its own ban. Returns {0, priority} when admitted, else
// {scope 1..4, told-now flag}.
const ADMIT = `
local since = tonumber(ARGV[5]) - tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', since)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', since)
local s = redis.call('ZCARD', KEYS[1]) + 1
local c = redis.call('ZCARD', KEYS[2]) + 1
local stale = tonumber(ARGV[5]) - ${STALE_MS}
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', stale)
local n = redis.call('ZCARD', KEYS[3])
local ckey = KEYS[6]
local cn = 0
if ckey then redis.call('ZREMRANGEBYSCORE', ckey, '-inf', stale); cn = redis.call('ZCARD', ckey) end
local scope = 0
if s > tonumber(ARGV[2]) then scope = 1 elseif c > tonumber(ARGV[3]) then scope = 2
elseif n >= tonumber(ARGV[4]) then scope = 3
elseif tonumber(ARGV[7]) > 0 and cn >= tonumber(ARGV[7]) then scope = 4 end
if scope == 0 then
  redis.call('ZADD', KEYS[1], ARGV[5], ARGV[6]); redis.call('PEXPIRE', KEYS[1], ARGV[1])
  redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6]); redis.call('PEXPIRE', KEYS[2], ARGV[1])
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[6]); redis.call('PEXPIRE', KEYS[3], ${STALE_MS})
  if ckey then redis.call('ZADD', ckey, ARGV[5], ARGV[6]); redis.call('PEXPIRE', ckey, ${STALE_MS}) end
  local p = math.max(n, cn) + 1
  if n > 0 then p = math.max(p, tonumber(redis.call('GET', KEYS[5]) or '0')) end
  p = math.min(p, ${MAX_PRIORITY})
  redis.call('SET', KEYS[5], p, 'PX', ${STALE_MS})
  return {0, p}
end
local told = redis.call('SET', KEYS[4], '1', 'PX', ARGV[1], 'NX')
return {scope, told and 1 or 0}
`;

export class InboundLimits {
  private readonly windowMs: number;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly settings: InboundLimitSettings,
  ) {
    this.windowMs = settings.windowMs ?? 60_000;
  }

  private chatKey(kind: string, m: Pick<InboundMessage, "platform" | "chatId">): string {
    return `${this.prefix}:limit:${kind}:${m.platform}:${m.chatId}`;
  }
  private communityBacklogKey(communityId: string): string {
    return `${this.prefix}:limit:community-backlog:${communityId}`;
  }

  /**
   * Counts the message and, when it is within every limit, records it in its chat's (and
   * community's) backlog and returns the BullMQ priority to queue it with.
   */
  async admit(m: InboundMessage, jobId: string, nowMs: number): Promise<LimitVerdict> {
    const base = `${this.prefix}:limit`;
    const keys = [
      `${base}:sender-log:${m.platform}:${m.chatId}:${m.senderId}`,
      this.chatKey("chat-log", m),
      this.chatKey("backlog", m),
      `${base}:told:${m.platform}:${m.chatId}:${m.senderId}`,
      this.chatKey("priority", m),
    ];
    const community = await this.redis.get(this.chatKey("community", m));
    if (community !== null) keys.push(this.communityBacklogKey(community));
    const s = this.settings;
    const args = [this.windowMs, s.perSender, s.perChat, s.maxBacklogPerChat, nowMs, jobId, s.maxBacklogPerCommunity ?? 0];
    const [code, detail] = (await this.redis.eval(ADMIT, keys.length, ...keys, ...args)) as [number, number];
    if (code === 0) return { ok: true, priority: detail };
    const scope = (["sender", "chat", "backlog", "community"] as const)[code - 1] ?? "sender";
    return { ok: false, scope, tellSender: detail === 1 };
  }

  /** The message left the queue (processed): it no longer counts against its chat's and community's backlog. */
  async done(m: Pick<InboundMessage, "platform" | "chatId">, jobId: string): Promise<void> {
    const community = await this.redis.get(this.chatKey("community", m));
    // Two keys in one slot (the prefix's hash tag), so one MULTI works on a Cluster too.
    const tx = this.redis.multi().zrem(this.chatKey("backlog", m), jobId);
    if (community !== null) tx.zrem(this.communityBacklogKey(community), jobId);
    await tx.exec();
  }

  /** Which community the chat is bound to (written by the worker, which can ask the database). */
  async setCommunity(m: Pick<InboundMessage, "platform" | "chatId">, communityId: number | null): Promise<void> {
    const key = this.chatKey("community", m);
    await (communityId === null ? this.redis.del(key) : this.redis.set(key, String(communityId), "PX", 7 * 24 * 3600_000));
  }
}
