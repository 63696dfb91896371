/**
 * The per-sender and per-chat limits hold over any 60 s, not per calendar minute: a burst that
 * straddles a minute boundary is limited like any other (a fixed window let twice the limit
 * through, and made test/limits.test.ts fail whenever it ran across a minute boundary).
 * Real Redis, times injected.
 */
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { InboundLimits } from "../bot/inbound-limits.ts";
import type { InboundMessage } from "../messages/messages.ts";
import { useCleanup } from "./support/cleanup.ts";
import { testPrefix, unique } from "./support/env.ts";

const { defer } = useCleanup();

function limits(perSender: number, perChat: number): InboundLimits {
  const r = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { maxRetriesPerRequest: null });
  defer(async () => r.disconnect());
  return new InboundLimits(r, testPrefix(), { perSender, perChat, maxBacklogPerChat: 1000 });
}

const from = (chatId: string, senderId: string): InboundMessage => ({
  platform: "sim",
  chatId,
  chatType: "group",
  senderId,
  senderName: "老师",
  text: "/帮助",
  messageId: unique("m"),
  mentioned: false,
  receivedAt: new Date().toISOString(),
});

const MINUTE = 60_000;
const boundary = 1_800_000_000_000 - (1_800_000_000_000 % MINUTE) + 100 * MINUTE;

describe("inbound limits", () => {
  it("a sender's burst across a minute boundary is limited by the sliding minute", async () => {
    const l = limits(3, 100);
    const chat = unique("g");
    const admit = (at: number) => l.admit(from(chat, "u1"), unique("j"), at);
    expect((await admit(boundary - 2_000)).ok).toBe(true);
    expect((await admit(boundary - 1_000)).ok).toBe(true);
    expect((await admit(boundary - 500)).ok).toBe(true);
    const over = await admit(boundary + 500); // a new calendar minute, but 3 in the last 60 s
    expect(over).toEqual({ ok: false, scope: "sender", tellSender: true });
    expect(await admit(boundary + 1_000)).toEqual({ ok: false, scope: "sender", tellSender: false });
    // Refused messages do not extend the ban: the first admitted one leaves the window at +58 s.
    expect((await admit(boundary + 58_001)).ok).toBe(true);
  });

  it("the chat's limit counts every sender in it, over any 60 s; another chat is not affected", async () => {
    const l = limits(100, 2);
    const chat = unique("g");
    expect((await l.admit(from(chat, "a"), unique("j"), boundary - 10)).ok).toBe(true);
    expect((await l.admit(from(chat, "b"), unique("j"), boundary + 10)).ok).toBe(true);
    expect(await l.admit(from(chat, "c"), unique("j"), boundary + 20)).toMatchObject({ ok: false, scope: "chat" });
    expect((await l.admit(from(unique("g"), "c"), unique("j"), boundary + 30)).ok).toBe(true);
  });
});
