/** The inbound spool on its own: bounded retries, one file per message, drain in order, unreadable files set aside. */
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { InboundSpool } from "../../bot/spool.ts";
import { createLogger } from "../../config/logger.ts";
import type { InboundMessage } from "../../messages/messages.ts";

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const msg = (id: string): InboundMessage => ({
  platform: "dingtalk",
  chatId: "c",
  chatType: "group",
  senderId: "u",
  senderName: "",
  text: `/帮助 ${id}`,
  messageId: id,
  mentioned: true,
  receivedAt: "2026-11-22T04:00:00.000Z",
});

async function setup(fail: () => boolean) {
  const dir = await mkdtemp(join(tmpdir(), "spool-unit-"));
  dirs.push(dir);
  const queued: string[] = [];
  let calls = 0;
  const spool = new InboundSpool(
    async (m) => {
      calls++;
      if (fail()) throw new Error("redis down");
      queued.push(m.messageId);
      return { jobId: m.messageId, existed: false };
    },
    { dir, attempts: 3, attemptTimeoutMs: 200, retryDelayMs: 5, drainEveryMs: 60_000, log: createLogger("silent") },
  );
  return { dir, spool, queued, calls: () => calls };
}

describe("inbound spool", () => {
  it("tries a bounded number of times, then keeps the message on disk once, and drains it when the queue answers", async () => {
    let down = true;
    const { dir, spool, queued, calls } = await setup(() => down);
    expect(await spool.accept(msg("m1"))).toBe("spooled");
    expect(calls()).toBe(3);
    expect(await spool.accept(msg("m1"))).toBe("spooled");
    expect(await spool.accept(msg("m2"))).toBe("spooled");
    expect((await readdir(dir)).filter((n) => n.endsWith(".json"))).toHaveLength(2);
    expect(await spool.drain()).toBe(0);
    down = false;
    expect(await spool.drain()).toBe(2);
    expect(queued.sort()).toEqual(["m1", "m2"]);
    expect(await spool.pending()).toBe(0);
    spool.stop();
  });

  it("a sink that never answers counts as a failure after the attempt timeout", async () => {
    const dir = await mkdtemp(join(tmpdir(), "spool-unit-"));
    dirs.push(dir);
    const spool = new InboundSpool(() => new Promise(() => undefined), { dir, attempts: 2, attemptTimeoutMs: 50, retryDelayMs: 1, drainEveryMs: 60_000, log: createLogger("silent") });
    expect(await spool.accept(msg("m3"))).toBe("spooled");
    spool.stop();
  });

  it("sets an unreadable spool file aside instead of retrying it forever", async () => {
    const { dir, spool, queued } = await setup(() => false);
    await writeFile(join(dir, "1-broken.json"), "{not json");
    await writeFile(join(dir, "2-wrong.json"), JSON.stringify({ hello: 1 }));
    await spool.accept(msg("m4"));
    expect(await spool.drain()).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(["1-broken.json.bad", "2-wrong.json.bad"]);
    expect(queued).toEqual(["m4"]);
    spool.stop();
  });
});
