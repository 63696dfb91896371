/**
 * Overload protection: past the per-sender or per-chat limit the bot answers "太快了" once and
 * drops the rest without touching the database; a chat's backlog is capped so it cannot starve
 * other chats. Below the limits nothing is lost.
 */
import { describe, expect, it } from "vitest";
import { useCleanup } from "./support/cleanup.ts";
import { boundGroup, post } from "./support/harness.ts";
import { unique } from "./support/env.ts";
import { waitFor } from "./support/process.ts";

const { app } = useCleanup();

const record = (i: number) => `/记录 示范课 11月${i}日 二小`;

describe("per-sender and per-chat limits", () => {
  it("a sender over the limit is told once, the rest dropped unrecorded; others in the chat are still served", async () => {
    // boundGroup sends 4 setup messages (bind + 3 schools): the admin has 2 more this minute.
    const a = await app({ RATE_LIMIT_PER_SENDER: "6" });
    const g = await boundGroup(a);
    expect(await g.says(record(1))).toMatch(/已记录 #1/);
    expect(await g.says(record(2))).toMatch(/已记录 #2/);
    expect(await g.says(record(3))).toBe("太快了，请稍后再发。");
    expect(await g.says(record(4))).toBe(""); // dropped silently: told once is enough
    expect(await g.activities()).toHaveLength(2);
    const colleague = g.as(unique("u"), "李老师");
    expect(await colleague.says("/帮助")).toMatch(/记录/);
  });

  it("a chat over its limit: every sender in it is limited, another chat is not", async () => {
    const a = await app({ RATE_LIMIT_PER_CHAT: "5" });
    const g = await boundGroup(a, { schools: false }); // 1 message
    const replies = [];
    for (let i = 0; i < 6; i++) replies.push(await g.as(unique("u"), `老师${i}`).says("/帮助"));
    expect(replies.slice(0, 4).every((r) => r.includes("/记录"))).toBe(true);
    expect(replies[4]).toBe("太快了，请稍后再发。");
    const other = await boundGroup(a, { schools: false });
    expect(await other.says("/帮助")).toMatch(/记录/);
  });

  it("malformed and oversized messages count like any other and never reach the database past the limit", async () => {
    const a = await app({ RATE_LIMIT_PER_SENDER: "2" });
    const chatId = unique("g");
    const userId = unique("u");
    const send = (text: string) => post(a, "/sim/messages", { chatId, userId, text });
    expect((await send("x".repeat(5000))).body.replies?.[0]?.text).toMatch(/消息太长/);
    expect((await send("/记录")).body.replies?.[0]?.text).toMatch(/绑定/);
    expect((await send("\u0000\u0001")).body.replies?.[0]?.text).toBe("太快了，请稍后再发。");
    expect((await post(a, "/sim/messages", { chatId, text: "缺 userId" })).status).toBe(400);
  });
});

describe("backlog per chat", () => {
  it("a chat with too many messages waiting is refused further ones; another chat is still queued", async () => {
    const a = await app({ ROLE: "gateway", MAX_BACKLOG_PER_CHAT: "2" }); // no worker: messages stay queued
    const chatId = unique("g");
    const send = (c: string, i: number) => post(a, "/sim/messages", { chatId: c, userId: unique("u"), text: `/帮助 ${i}` });
    const queued = (n: number) => async () => (await a.producers.inbound.queue.getJobCountByTypes("wait", "prioritized")) === n; // queued with a priority (fair queueing)
    const waiting = [send(chatId, 1), send(chatId, 2)];
    await waitFor(queued(2), 10_000, 50);
    const third = await send(chatId, 3);
    expect(third.body.replies?.[0]?.text).toBe("太快了，请稍后再发。");
    waiting.push(send(unique("g"), 4));
    await waitFor(queued(3), 10_000, 50);
    // 504 after the simulator's 10 s (nobody processes them here); answered before the app closes.
    expect((await Promise.all(waiting)).map((r) => r.status)).toEqual([504, 504, 504]);
  }, 30_000);
});
