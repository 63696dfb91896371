/**
 * One noisy group cannot starve the others: a quiet group's message overtakes a noisy group's
 * backlog (BullMQ priority from bot/inbound-limits.ts), the noisy group's messages keep their
 * order and none is lost below the limits, and a community's chats share one backlog cap.
 */
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { Gateway } from "../bot/gateway.ts";
import { InboundLimits } from "../bot/inbound-limits.ts";
import { messageKey, type InboundMessage } from "../messages/messages.ts";
import { inboundJobId } from "../messages/producers.ts";
import { useCleanup } from "./support/cleanup.ts";
import { testPrefix, unique } from "./support/env.ts";
import { boundGroup, Chat } from "./support/harness.ts";
import { waitFor } from "./support/process.ts";

const { app, defer } = useCleanup();
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

function redis(): Redis {
  const r = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  defer(async () => r.disconnect());
  return r;
}

const message = (chat: Chat, messageId: string, text: string): InboundMessage => ({
  platform: "sim",
  chatId: chat.chatId,
  chatType: "group",
  senderId: chat.userId,
  senderName: chat.userName,
  text,
  messageId,
  mentioned: false,
  receivedAt: new Date().toISOString(),
});

describe("fair queueing between groups", () => {
  it("300 queued from group A, then 1 from group B: B runs second, A's 300 all recorded in their order", async () => {
    const prefix = testPrefix();
    const a = await app({ QUEUE_PREFIX: prefix, INBOUND_CONCURRENCY: "1" });
    const groupA = await boundGroup(a);
    const groupB = await boundGroup(a);
    // The same limits the app uses (defaults; per-person/per-chat rates lifted as in every test).
    const gateway = new Gateway(a.producers, new InboundLimits(redis(), prefix, { perSender: 100_000, perChat: 100_000, maxBacklogPerChat: 500, maxBacklogPerCommunity: 1_500 }));

    await a.producers.inbound.queue.pause(); // everything below waits in the queue first
    const n = 300;
    for (let i = 0; i < n; i++) await gateway.sink(message(groupA, unique("a"), `/记录 示范课 11月${(i % 20) + 1}日 二小 《A-${i}》`));
    await gateway.sink(message(groupB, unique("b"), "/记录 示范课 11月20日 二小 《B》"));
    await a.producers.inbound.queue.resume();

    await waitFor(async () => (await groupA.activities()).length === n && (await groupB.activities()).length === 1, 120_000, 250);
    const communities = await a.db.community.findMany({ where: { name: { in: [groupA.community, groupB.community] } }, select: { id: true } });
    const rows = await a.db.activity.findMany({ where: { communityId: { in: communities.map((c) => c.id) } }, orderBy: { id: "asc" }, select: { title: true } });
    const order = rows.map((r) => r.title);
    expect(order).toHaveLength(n + 1);
    // Concurrency 1: ids are the order of processing. B's first queued message overtakes A's 299 others.
    expect(order.indexOf("B")).toBeLessThanOrEqual(2);
    expect(order.filter((t) => t !== "B")).toEqual(Array.from({ length: n }, (_, i) => `A-${i}`));
  }, 180_000);

  it("a community's chats share one backlog cap: its third chat is refused, another community's chat is not", async () => {
    const prefix = testPrefix();
    const a = await app({ QUEUE_PREFIX: prefix });
    const one = await boundGroup(a, { schools: false });
    const sibling = new Chat(a, unique("g"), one.userId, one.userName);
    expect(await sibling.says(`/绑定 ${one.community}`)).toMatch(/已把本群绑定/);
    const other = await boundGroup(a, { schools: false });
    const gateway = new Gateway(a.producers, new InboundLimits(redis(), prefix, { perSender: 100_000, perChat: 100_000, maxBacklogPerChat: 500, maxBacklogPerCommunity: 3 }));

    await a.producers.inbound.queue.pause();
    const queued = async (chat: Chat) => {
      const m = message(chat, unique("m"), "/帮助");
      await gateway.sink(m);
      return (await a.producers.inbound.queue.getJob(inboundJobId(messageKey(m)))) !== undefined;
    };
    expect([await queued(one), await queued(one), await queued(sibling)]).toEqual([true, true, true]);
    expect(await queued(sibling)).toBe(false); // 3 of this community's messages wait already
    expect(await queued(one)).toBe(false);
    expect(await queued(other)).toBe(true);
    await a.producers.inbound.queue.resume();
  }, 60_000);
});
