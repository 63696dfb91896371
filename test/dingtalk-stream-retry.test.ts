/**
 * How the Stream client waits after a failed open, against the fake DingTalk (real SDK frames on
 * loopback): fast within the 10 s a socket told to go still has, from the start again after every
 * open, and at the cap when the gateway refuses the credentials.
 */
import { afterEach, describe, expect, it } from "vitest";
import { StreamClient } from "../bot/dingtalk/stream-client.ts";
import { createLogger } from "../config/logger.ts";
import { FakeDingtalk } from "./fakes/dingtalk.ts";
import { waitFor } from "./fakes/http-util.ts";

const APP = { clientId: "dingretry", clientSecret: "dt-retry-secret" };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(o: { secret?: string; backoff: { initialMs: number; maxMs: number; handoverRetryMs?: number } }) {
  const fake = await new FakeDingtalk(APP).start();
  cleanups.push(() => fake.stop());
  const client = new StreamClient({
    clientId: APP.clientId,
    clientSecret: o.secret ?? APP.clientSecret,
    gatewayUrl: fake.gatewayUrl,
    keepAliveMs: 60_000,
    backoff: o.backoff,
    log: createLogger("silent"),
  });
  client.on("/v1.0/im/bot/messages/get", (_f, ack) => ack({}));
  cleanups.push(() => client.stop());
  return { fake, client };
}

describe("DingTalk Stream retries", () => {
  it("while a socket told to go is still open, refused opens are retried at the fixed cadence, not the backoff", async () => {
    // Backoff 2 s → 60 s: three refusals in a row would wait 1–2 s, 2–4 s, 4–8 s without the cadence.
    const { fake, client } = await setup({ backoff: { initialMs: 2000, maxMs: 60_000, handoverRetryMs: 50 } });
    client.start();
    const [first] = await fake.waitForOpen();
    for (let round = 0; round < 3; round++) {
      const live = fake.open().find((c) => !c.draining)!;
      fake.refuseHandshakes = 3;
      const toldAt = Date.now();
      fake.disconnect(live);
      const next = await waitFor(() => fake.open().find((c) => !c.draining), 5000, "the next socket");
      // Each round starts the same: the previous round's three failures were forgotten once a socket opened.
      expect(Date.now() - toldAt).toBeLessThan(1500);
      expect(next).not.toBe(first);
    }
    expect(fake.refusedHandshakes).toBe(9);
    expect(fake.maxOpen).toBeLessThanOrEqual(2);
  });

  it("a socket lost without a notice is replaced after the short first wait, also after many short-lived sockets", async () => {
    const { fake, client } = await setup({ backoff: { initialMs: 200, maxMs: 60_000 } });
    client.start();
    await fake.waitForOpen();
    for (let i = 0; i < 6; i++) {
      const live = fake.open()[0]!;
      const lostAt = Date.now();
      live.ws.terminate();
      await waitFor(() => fake.open().find((c) => c !== live), 5000, "a new socket");
      // 100–200 ms each time; with the backoff kept across short-lived sockets the sixth would wait 3.2–6.4 s.
      expect(Date.now() - lostAt).toBeLessThan(1000);
    }
  });

  it("a gateway that refuses the credentials is asked again only after the cap's half, even during a handover window", async () => {
    const { fake, client } = await setup({ secret: "wrong", backoff: { initialMs: 20, maxMs: 2000, handoverRetryMs: 20 } });
    client.start();
    await sleep(800);
    // Exponential from 20 ms would have called 4–5 times by now.
    expect(fake.gatewayCalls).toBe(1);
    expect(client.status().state).toBe("reconnecting");
  });
});
