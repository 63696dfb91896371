/**
 * Inbound overload protection, in Redis only (no database): a per-sender and a per-chat limit on
 * messages per minute, and a cap on how many of one chat's messages may wait in the inbound
 * queue, so one noisy group cannot starve the others. Over a limit the sender is told once per
 * window; the rest are dropped. The backlog is a sorted set of queued job ids per chat, removed
 * by the worker when done (entries of crashed runs age out after an hour).
 */
import type { Redis } from "ioredis";
import type { InboundMessage } from "../messages/messages.ts";

export interface InboundLimitSettings {
  perSender: number;
  perChat: number;
  maxBacklogPerChat: number;
  windowMs?: number;
}

export type LimitVerdict = { ok: true } | { ok: false; scope: "sender" | "chat" | "backlog"; tellSender: boolean };

const STALE_MS = 3600_000;

// KEYS: sender counter, chat counter, backlog zset, told flag. ARGV: window ms, sender limit,
// chat limit, backlog cap, now ms, job id. Returns 0 (ok) or 1/2/3 (scope) * 10 + told-now flag.
const SCRIPT = `
local s = redis.call('INCR', KEYS[1]); if s == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local c = redis.call('INCR', KEYS[2]); if c == 1 then redis.call('PEXPIRE', KEYS[2], ARGV[1]) end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', tonumber(ARGV[5]) - ${STALE_MS})
local scope = 0
if s > tonumber(ARGV[2]) then scope = 1 elseif c > tonumber(ARGV[3]) then scope = 2
elseif redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[4]) then scope = 3 end
if scope == 0 then
  redis.call('ZADD', KEYS[3], ARGV[5], ARGV[6]); redis.call('PEXPIRE', KEYS[3], ${STALE_MS})
  return 0
end
local told = redis.call('SET', KEYS[4], '1', 'PX', ARGV[1], 'NX')
return scope * 10 + (told and 1 or 0)
`;

export class InboundLimits {
  private readonly windowMs: number;
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly settings: InboundLimitSettings,
  ) {
    this.windowMs = settings.windowMs ?? 60_000;
  }

  private backlogKey(m: Pick<InboundMessage, "platform" | "chatId">): string {
    return `${this.prefix}:limit:backlog:${m.platform}:${m.chatId}`;
  }

  /** Counts the message and, when it is within every limit, records it in its chat's backlog. */
  async admit(m: InboundMessage, jobId: string, nowMs: number): Promise<LimitVerdict> {
    const window = Math.floor(nowMs / this.windowMs);
    const base = `${this.prefix}:limit`;
    const keys = [
      `${base}:sender:${m.platform}:${m.chatId}:${m.senderId}:${window}`,
      `${base}:chat:${m.platform}:${m.chatId}:${window}`,
      this.backlogKey(m),
      `${base}:told:${m.platform}:${m.chatId}:${m.senderId}`,
    ];
    const s = this.settings;
    const r = Number(await this.redis.eval(SCRIPT, keys.length, ...keys, this.windowMs, s.perSender, s.perChat, s.maxBacklogPerChat, nowMs, jobId));
    if (r === 0) return { ok: true };
    const scope = (["sender", "chat", "backlog"] as const)[Math.floor(r / 10) - 1] ?? "sender";
    return { ok: false, scope, tellSender: r % 10 === 1 };
  }

  /** The message left the queue (processed): it no longer counts against its chat's backlog. */
  async done(m: Pick<InboundMessage, "platform" | "chatId">, jobId: string): Promise<void> {
    await this.redis.zrem(this.backlogKey(m), jobId);
  }
}
