/**
 * Replies to simulator messages travel Redis pub/sub, so the gateway process holding the HTTP
 * request gets them whichever gateway's outbound worker sent them. Each delivery is also logged
 * per chat (what /sim/replies returns), so tests can count how often a reply went out.
 */
import type { Redis } from "ioredis";
import type { Reply } from "../../messages/messages.ts";

interface Delivery {
  messageId: string;
  chatId: string;
  replies: Reply[];
}

const LOG_CAP = 1000;

export class ReplyHub {
  private readonly waiters = new Map<string, ((r: Reply[]) => void)[]>();
  private readonly channel: string;

  constructor(private readonly pub: Redis, private readonly sub: Redis, private readonly prefix: string) {
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

  async deliver(d: Delivery): Promise<void> {
    const logKey = `${this.prefix}:sim:delivered:${d.chatId}`;
    const tx = this.pub.multi();
    if (d.replies.length > 0) {
      tx.rpush(logKey, JSON.stringify({ messageId: d.messageId, replies: d.replies, at: new Date().toISOString() }));
      tx.ltrim(logKey, -LOG_CAP, -1);
    }
    await tx.publish(this.channel, JSON.stringify(d)).exec();
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
