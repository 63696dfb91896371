/**
 * Issue 20, deliverable 1: active/standby gateways. Two gateway processes (real OS processes) and
 * two workers share one Redis and one database; exactly one gateway holds the WeCom 智能机器人
 * long connection (the fake, like WeCom, closes the older of two connections of one bot). The
 * leader is killed with SIGKILL mid-burst: the standby takes the connection within the lease
 * (~4/3 of CONNECTION_LEASE_MS plus the connect), every message WeCom delivered is answered once
 * and recorded once. A leader frozen with SIGSTOP past its lease wakes up as a standby: fencing
 * stops it from acting on its stale lease.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { activitiesForChat } from "../db/activities.ts";
import { waitFor } from "./fakes/http-util.ts";
import { FakeWecom, type Frame, textOf } from "./fakes/wecom.ts";
import { testEnv, testPrefix, unique } from "./support/env.ts";
import { startTestApp } from "./support/harness.ts";
import { type BotProcess, spawnBot, waitFor as waitUntil } from "./support/process.ts";

const BOT = "standbybot";
const LEASE_MS = 3000;
let fake: FakeWecom;
let prefix: string;
const workers: App[] = [];
const gateways: BotProcess[] = [];

interface Health {
  status: number;
  wecom: string | undefined;
}

/** The URL a spawned gateway listens on, from its own "started" log line. */
async function urlOf(p: BotProcess): Promise<string> {
  return waitFor(() => /"url":"(http:\/\/[^"]+)"/.exec(p.output())?.[1], 90_000, "a gateway's start line");
}

async function health(url: string): Promise<Health> {
  const res = await fetch(`${url}/healthz`);
  const body = (await res.json()) as { platforms?: { platform: string; state: string }[] };
  return { status: res.status, wecom: body.platforms?.find((p) => p.platform === "wecom")?.state };
}

function gateway(): BotProcess {
  const env = testEnv({ ...fake.botEnv(BOT), QUEUE_PREFIX: prefix, ROLE: "gateway", CONNECTION_LEASE_MS: String(LEASE_MS), WECOM_HEARTBEAT_MS: "1000" });
  const p = spawnBot(env, { LOG_LEVEL: "info" });
  gateways.push(p);
  return p;
}

beforeAll(async () => {
  fake = await new FakeWecom({ [BOT]: "s3cret" }).start();
  prefix = testPrefix();
  for (let i = 0; i < 2; i++) workers.push(await startTestApp({ ...fake.botEnv(BOT), QUEUE_PREFIX: prefix, ROLE: "worker" }));
}, 120_000);

afterAll(async () => {
  for (const g of gateways) {
    if (g.child.signalCode === "SIGSTOP") g.child.kill("SIGCONT");
    await g.stop();
  }
  for (const w of workers) await w.close();
  await fake?.stop();
});

const replyTo = (frame: Frame) => fake.received.filter((r) => r.reqId === frame.headers.req_id && r.cmd === "aibot_respond_msg");

async function says(chatId: string, userId: string, text: string): Promise<string> {
  const frame = await fake.userSays({ chatId, userId, text });
  return textOf(await waitFor(() => replyTo(frame)[0], 30_000, `reply to ${text}`));
}

describe("gateways, active and standby", () => {
  it("one holds the connection; the other takes over within seconds of a SIGKILL, nothing answered twice or lost", async () => {
    const [a, b] = [gateway(), gateway()];
    const urls = await Promise.all([urlOf(a), urlOf(b)]);
    await fake.waitForLive(BOT, 60_000);
    // Exactly one connection was opened: the standby never took it from the leader.
    const states = await waitUntil(async (): Promise<Health[] | undefined> => {
      const h = await Promise.all(urls.map(health));
      return h.every((x) => x.wecom === "connected" || x.wecom === "standby") && h.some((x) => x.wecom === "standby") ? h : undefined;
    }, 30_000);
    expect(states.map((s) => s.status)).toEqual([200, 200]);
    expect(states.map((s) => s.wecom).sort()).toEqual(["connected", "standby"]);
    expect(fake.conns.filter((c) => c.botId === BOT)).toHaveLength(1);
    const leaderIndex = states.findIndex((s) => s.wecom === "connected");
    const [leader, standby] = leaderIndex === 0 ? [a, b] : [b, a];
    const standbyUrl = urls[1 - leaderIndex]!;

    const chatId = unique("wc");
    const admin = unique("wu");
    expect(await says(chatId, admin, `/绑定 ${unique("共同体")}`)).toMatch(/绑定/);
    await says(chatId, admin, "/学校 添加 清涧县第二小学 核心 二小");

    // The burst: a message every 100 ms; the leader dies after the 10th is answered. WeCom
    // delivers to whatever connection is open and keeps nothing for a bot with none.
    const delivered: { frame: Frame; title: string }[] = [];
    let noSocket = 0;
    let takeoverMs = 0;
    let afterTakeover = 0;
    // 60 messages at least, and on until 10 have arrived at the new holder (a takeover may take
    // most of the 10 s allowed on a loaded machine; the old fixed 60 then left too few after it).
    for (let i = 1; i <= 60 || (afterTakeover < 10 && i <= 300); i++) {
      if (i === 11) {
        await waitFor(() => replyTo(delivered.at(-1)!.frame)[0], 30_000, "the 10th reply");
        await new Promise((r) => setTimeout(r, 300)); // its reply job completed, not only sent
        const killedAt = Date.now();
        leader.child.kill("SIGKILL");
        await leader.exited;
        await waitFor(() => !fake.live(BOT), 5_000, "WeCom to see the socket close");
        void fake.waitForLive(BOT, 20_000).then(() => (takeoverMs = Date.now() - killedAt));
      }
      if (!fake.live(BOT)) {
        noSocket++;
      } else {
        const title = `第${i}课`;
        if (takeoverMs > 0) afterTakeover++;
        delivered.push({ frame: await fake.userSays({ chatId, userId: admin, text: `/记录 示范课 11月20日 二小 课题=${title}` }), title });
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await waitFor(() => takeoverMs > 0, 20_000, "the takeover");
    await waitFor(() => delivered.every((d) => replyTo(d.frame).length > 0), 60_000, "every delivered message answered");
    await new Promise((r) => setTimeout(r, 1_000)); // room for a second answer, were there one

    expect(takeoverMs).toBeLessThan(10_000);
    // Messages went on arriving after the takeover, and while no gateway held the socket none was delivered.
    expect(afterTakeover).toBeGreaterThanOrEqual(10);
    expect(delivered.length).toBeGreaterThanOrEqual(20);
    expect(noSocket).toBeLessThanOrEqual(Math.ceil(takeoverMs / 100) + 3);
    expect(delivered.map((d) => replyTo(d.frame).length)).toEqual(delivered.map(() => 1));
    const records = (await activitiesForChat(workers[0]!.db, "wecom", chatId, true)) ?? [];
    expect(records.map((r) => r.title).sort()).toEqual(delivered.map((d) => d.title).sort());
    expect(await health(standbyUrl)).toEqual({ status: 200, wecom: "connected" });
    console.info(`standby takeover after SIGKILL: ${takeoverMs} ms (lease ${LEASE_MS} ms); ${delivered.length} delivered, ${noSocket} found no socket`);

    // A frozen leader (SIGSTOP past its lease) is replaced; woken, it stands by and sends nothing.
    const c = gateway();
    const cUrl = await urlOf(c);
    await waitUntil(async () => (await health(cUrl)).wecom === "standby", 60_000);
    standby.child.kill("SIGSTOP");
    await waitUntil(async () => (await health(cUrl)).wecom === "connected", 20_000);
    standby.child.kill("SIGCONT");
    await waitUntil(async () => (await health(standbyUrl)).wecom === "standby", 20_000);
    expect(await says(chatId, admin, "/记录 示范课 11月21日 二小 课题=醒来之后")).toMatch(/已记录/);
    expect(fake.conns.filter((x) => x.botId === BOT && x.authed && x.ws.readyState === x.ws.OPEN)).toHaveLength(1);
  }, 300_000);
});
