/**
 * Per-robot send limits shared by every gateway process (a sliding window in Redis, on Redis's
 * clock). take() either takes a slot now (0) or says how long to wait; nothing is ever dropped.
 * reserve() books the earliest slot free now or later, for a sender that sleeps until then
 * instead of asking again. A platform's own throttling answer blocks the whole bucket for as
 * long as it asks.
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

/**
 * The same window, with slots booked ahead: a slot at time t is free when fewer than `limit`
 * bookings lie in (t - window, t]. Bookings are made in time order, so the next free slot is now,
 * or one window after the booking `limit` places from the end. A block (the platform said "too
 * many") moves it past the block's end.
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local slot = now
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then slot = now + blocked end
local n = redis.call('ZCARD', KEYS[1])
if n >= limit then
  local kth = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
  slot = math.max(slot, tonumber(kth[2]) + window)
end
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if last[2] then slot = math.max(slot, tonumber(last[2])) end
redis.call('ZADD', KEYS[1], slot, ARGV[3])
redis.call('PEXPIRE', KEYS[1], slot - now + window)
return slot - now
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

  /**
   * Books the earliest free slot and says how far ahead it is (0: now). The slot is the caller's
   * whether or not it sends then: a booking is never handed to another sender, so a sender that
   * sleeps until its slot need not ask again, and thousands of waiting senders cost one call each
   * instead of one a second.
   */
  async reserve(bucket: string): Promise<number> {
    const member = `${process.pid}-${Date.now()}-${++this.seq}`;
    const wait = await this.redis.eval(RESERVE, 2, this.key(bucket), this.blockKey(bucket), this.windowMsWithMargin, this.rate.limit, member);
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
