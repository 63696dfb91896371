/**
 * Per-robot send limits shared by every gateway process (a sliding window in Redis, on Redis's
 * clock). take() either takes a slot now (0) or says how long to wait; nothing is ever dropped.
 * A platform's own throttling answer blocks the whole bucket for as long as it asks.
 */
import type { RedisClient } from "../config/redis.ts";

const TAKE = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return blocked end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[3])
  redis.call('PEXPIRE', KEYS[1], window)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + window - now)
`;

export interface RateLimit {
  limit: number;
  windowMs: number;
}

/**
 * The platform counts a send when it arrives, we when we take its slot: a send delayed on the way
 * (a busy process, a slow network) can land inside the platform's window although it left outside
 * ours. So our window is a little longer than the platform's: 5 % of it, at least 300 ms and at
 * most 3 s (a 60 s window becomes 63 s: 20 sends per 63 s).
 */
export function windowWithMargin(windowMs: number): number {
  return windowMs + Math.min(3_000, Math.max(300, Math.round(windowMs * 0.05)));
}

export class RateLimiter {
  private seq = 0;
  private readonly windowMsWithMargin: number;
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly rate: RateLimit,
  ) {
    this.windowMsWithMargin = windowWithMargin(rate.windowMs);
  }

  /** 0 when a send may go now (its slot is taken), else milliseconds to wait before asking again. */
  async take(bucket: string): Promise<number> {
    const member = `${process.pid}-${Date.now()}-${++this.seq}`;
    const wait = await this.redis.eval(TAKE, 2, this.key(bucket), this.blockKey(bucket), this.windowMsWithMargin, this.rate.limit, member);
    return Number(wait);
  }

  get windowMs(): number {
    return this.rate.windowMs;
  }

  /** The platform said "too many": nothing goes to this bucket for `ms`. */
  async block(bucket: string, ms: number): Promise<void> {
    await this.redis.set(this.blockKey(bucket), "1", "PX", Math.max(1, Math.round(ms)));
  }

  private key(bucket: string) {
    return `${this.prefix}:rate:${bucket}`;
  }
  private blockKey(bucket: string) {
    return `${this.prefix}:rate-block:${bucket}`;
  }
}
