/** What the bot pushed to a simulator chat on its own (reminders, digests), oldest first, in Redis. */
import type { RedisClient } from "../../config/redis.ts";

const CAP = 1000;

export class Outbox {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  private key(chatId: string): string {
    return `${this.prefix}:sim:outbox:${chatId}`;
  }

  async push(chatId: string, text: string, image?: { url: string; alt: string }): Promise<void> {
    const key = this.key(chatId);
    await this.redis
      .multi()
      .rpush(key, JSON.stringify({ text, ...(image ? { image } : {}), at: new Date().toISOString() }))
      .ltrim(key, -CAP, -1)
      .exec();
  }

  async list(chatId: string): Promise<{ text: string; image?: { url: string; alt: string }; at: string }[]> {
    return (await this.redis.lrange(this.key(chatId), 0, -1)).map((s) => JSON.parse(s));
  }
}
