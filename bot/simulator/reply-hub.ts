/**
 * Replies to simulator messages travel Redis pub/sub, so the gateway process holding the HTTP
 * request gets them whichever gateway's outbound worker sent them. Each delivery is also logged
 * per chat (what /sim/replies returns), so tests can count how often a reply went out.
 */
import { createHash } from "node:crypto";
import type { RedisClient } from "../../config/redis.ts";
import type { Reply } from "../../messages/messages.ts";

interface Delivery {
  messageId: string;
  chatId: string;
  replies: Reply[];
}

const LOG_CAP = 1000;
/** KEYS: sent marker, log, channel. ARGV: log entry ("" for none), log cap, published payload. */
const DELIVER_ONCE = `
if not redis.call('SET', KEYS[1], '1', 'NX', 'EX', 86400) then return 0 end
if ARGV[1] ~= '' then
  redis.call('RPUSH', KEYS[2], ARGV[1])
  redis.call('LTRIM', KEYS[2], -tonumber(ARGV[2]), -1)
end
redis.call('PUBLISH', KEYS[3], ARGV[3])
return 1`;

export class ReplyHub {
  private readonly waiters = new Map<string, ((r: Reply[]) => void)[]>();
  private readonly channel: string;

  constructor(
    private readonly pub: RedisClient,
    private readonly sub: RedisClient,
    private readonly prefix: string,
  ) {
    this.channel = `${prefix}:sim:replies`;
  }

  async start(): Promise<void> {
    this.sub.on("message", (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      const d = JSON.parse(raw) as Delivery;
      const list = this.waiters.get(d.messageId);
      this.waiters.delete(d.messageId);
      for (const resolve of list ?? []) resolve(d.replies);
    });
    await this.sub.subscribe(this.channel);
  }

  /** Waits for the replies to one message; undefined after `timeoutMs`. Register before queueing. */
  wait(messageId: string, timeoutMs: number): Promise<Reply[] | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const list = this.waiters.get(messageId)?.filter((w) => w !== done);
        if (list?.length) this.waiters.set(messageId, list);
        else this.waiters.delete(messageId);
        resolve(undefined);
      }, timeoutMs);
      const done = (r: Reply[]) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.waiters.set(messageId, [...(this.waiters.get(messageId) ?? []), done]);
    });
  }

  /**
   * Delivers once per message and content, like a platform that accepts one answer per callback:
   * a send retried after a crash between the send and the job's completion is not shown twice.
   */
  async deliver(d: Delivery): Promise<void> {
    const logKey = `${this.prefix}:sim:delivered:${d.chatId}`;
    const digest = createHash("sha1").update(JSON.stringify(d.replies)).digest("hex");
    const sentKey = `${this.prefix}:sim:sent:${d.chatId}:${d.messageId}:${digest}`;
    const entry = d.replies.length > 0 ? JSON.stringify({ messageId: d.messageId, replies: d.replies, at: new Date().toISOString() }) : "";
    await this.pub.eval(DELIVER_ONCE, 3, sentKey, logKey, this.channel, entry, LOG_CAP, JSON.stringify(d));
  }

  async delivered(chatId: string): Promise<{ messageId: string; replies: Reply[]; at: string }[]> {
    return (await this.pub.lrange(`${this.prefix}:sim:delivered:${chatId}`, 0, -1)).map((s) => JSON.parse(s));
  }

  async close(): Promise<void> {
    for (const list of this.waiters.values()) for (const w of list) w([]);
    this.waiters.clear();
    await this.sub.unsubscribe(this.channel).catch(() => undefined);
  }
}
