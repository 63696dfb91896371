/**
 * `npm run bench:province`: a province on this machine, as an SRE would run it. 3,000 communities
 * (12,000 schools, 300,000 activities) spread over the organisations below; two gateway processes
 * and two worker processes (real OS processes, `app/start.ts` with ROLE=gateway / ROLE=worker) on
 * the machine's Redis and a database of the bench's own; the platforms are the loopback fakes of
 * the test suite (test/fakes/), which speak WeCom's long connection and DingTalk's Stream and
 * OpenAPI to the real SDK code paths, with DingTalk's 20 OpenAPI calls a second per API enforced.
 *
 * The Monday tick is the real one: every community's digest time is set to the next minute, and
 * the workers' scheduler (ticking every second) finds them due. Measured: how long the tick takes
 * to claim and queue every digest, how long until the platforms have received every part, and a
 * SIGKILL of the gateway that holds the platform connections once a third has been delivered
 * (takeover time, and every part delivered exactly once afterwards). Teachers record meanwhile:
 * 20 `/记录` a second from other chats for a minute before the due minute (quiet) and for a minute
 * from it (the tick and fan-out), each timed to the bot's answer (bench/province-replies.ts).
 * Appends to bench/RESULTS.md.
 */
import { execSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { Redis } from "ioredis";
import { DateTime } from "luxon";
import { preparePostgres } from "../app/preflight.ts";
import { createDatabase } from "../db/client.ts";
import { FakeDingtalk } from "../test/fakes/dingtalk.ts";
import { FakeWecom, textOf } from "../test/fakes/wecom.ts";
import { testEnv, unique } from "../test/support/env.ts";
import { type BotProcess, spawnBot, waitFor } from "../test/support/process.ts";
import { ReplyLoad, type ReplyFigures } from "./province-replies.ts";
import { seedProvince } from "./province-seed.ts";
import { prependResults } from "./results.ts";

const COMMUNITIES = Number(process.env.BENCH_COMMUNITIES ?? 3000);
const DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/jiaolian_bench_province";
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const LEASE_MS = 6000;
const ZONE = "Asia/Shanghai";
const WECOM_BOT = "provincebot";
const WECOM_BOT_2 = "provincebot2";
const REPLIES_PER_SECOND = 20;
const REPLY_SECONDS = Number(process.env.BENCH_REPLY_SECONDS ?? 60);
/** BENCH_REPLIES_ONLY=1: stop once the tick and the loaded minute are measured (no kill, no waiting for the whole fan-out). */
const REPLIES_ONLY = process.env.BENCH_REPLIES_ONLY === "1";

interface Part {
  target: string;
  at: number;
}

/** Every part a platform accepted, by target (a WeCom chat or user id, a DingTalk conversation or user). */
const delivered: Part[] = [];

function startFakes(replies: () => ReplyLoad | undefined) {
  const wecom = new FakeWecom({ [WECOM_BOT]: "province-secret", [WECOM_BOT_2]: "province-secret-2" });
  // A reply on the req_id and a proactive send both land here; the digest is proactive only.
  wecom.onReceived = (r) => {
    if (r.cmd === "aibot_send_msg") delivered.push({ target: `wecom:${String(r.body.chatid)}`, at: Date.now() });
    replies()?.onWecom(r.cmd, r.reqId, () => textOf(r));
  };
  const dingtalk = new FakeDingtalk({ clientId: "dingprovince", clientSecret: "province-ding-secret" });
  dingtalk.onSent = (s) => {
    if (s.via === "user" || s.via === "group") delivered.push({ target: `dingtalk:${s.target}`, at: Date.now() });
    replies()?.onDingtalk(s.via, s.target, () => JSON.stringify(s.body).slice(0, 200));
  };
  return { wecom, dingtalk };
}

/** Group chats the teachers write in, as the platforms know them: the legacy WeCom corp's and yulin's. */
async function replyChats(sql: ReturnType<typeof createDatabase>["sql"]) {
  const rows = await sql.query<{ platform: string; chatId: string }>(`SELECT platform, "chatId" FROM "ChatGroup" WHERE "chatId" NOT LIKE 'yanan~%' ORDER BY "communityId" DESC LIMIT 200`);
  return {
    wecom: rows.rows.filter((r) => r.platform === "wecom").map((r) => r.chatId),
    dingtalk: rows.rows.filter((r) => r.platform === "dingtalk").map((r) => r.chatId.replace(/^yulin~/, "")),
  };
}

/**
 * Three organisations, as a province spread over cities: `default` (a WeCom corp, the single-org
 * variables), `yanan` (another WeCom corp) and `yulin` (a DingTalk org), a third of the
 * communities each. Ids of an organisation other than default are stored as `<org>~<id>`
 * (messages/orgs.ts). WeCom 1:1 digests need a first 1:1 message there: one recorded message each.
 */
const ORG_OF = `CASE "communityId" % 3 WHEN 0 THEN '' WHEN 1 THEN 'yanan~' ELSE 'yulin~' END`;
async function placeOnPlatforms(sql: ReturnType<typeof createDatabase>["sql"]): Promise<void> {
  await sql.query(`UPDATE "ChatGroup" SET platform = CASE WHEN "communityId" % 3 = 2 THEN 'dingtalk' ELSE 'wecom' END,
    "chatId" = ${ORG_OF} || CASE WHEN "communityId" % 3 = 2 THEN 'cid' ELSE 'wrg' END || "communityId"`);
  await sql.query(`UPDATE "PlatformIdentity" SET platform = CASE WHEN "communityId" % 3 = 2 THEN 'dingtalk' ELSE 'wecom' END, "userId" = ${ORG_OF} || "userId"`);
  await sql.query(`INSERT INTO "ProcessedMessage" (key, "communityId", "memberId", replies, "createdAt")
    SELECT 'wecom:' || "userId" || ':seed', "communityId", "memberId", '[]'::jsonb, now() - interval '30 days' FROM "PlatformIdentity" WHERE platform = 'wecom'`);
}

/** Every community's digest at the start of a minute 2–3 minutes ahead (room for the quiet minute), today, planned a week ago. */
async function digestsDueSoon(sql: ReturnType<typeof createDatabase>["sql"]): Promise<Date> {
  const due = DateTime.now().setZone(ZONE).plus({ minutes: 3 }).startOf("minute");
  await sql.query(`UPDATE "Community" SET "digestWeekday" = $1, "digestTime" = $2, timezone = $3, "createdAt" = now() - interval '7 days', "digestChangedAt" = NULL`, [
    due.weekday,
    due.toFormat("HH:mm"),
    ZONE,
  ]);
  return due.toJSDate();
}

/** The states of a gateway's platform connections (one per organisation and platform). */
async function health(url: string): Promise<string[]> {
  try {
    const body = (await (await fetch(`${url}/healthz`)).json()) as { platforms?: { platform: string; state: string }[] };
    return (body.platforms ?? []).map((p) => p.state);
  } catch {
    return [];
  }
}
const holds = (states: string[]) => states.length === 3 && states.every((s) => s === "connected");

const urlOf = (p: BotProcess) =>
  waitFor(async () => /"url":"(http:\/\/[^"]+)"/.exec(p.output())?.[1], 120_000).catch((e: Error) => {
    throw new Error(`a bot process did not start: ${p.output().slice(-3000)}`, { cause: e });
  });

/** Resident memory of a process and its children (the tsx loader runs the bot in a child). */
function rssMb(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const out = execSync(`ps -o rss= --ppid ${pid} -p ${pid}`, { encoding: "utf8" });
    return Math.round(out.split("\n").reduce((s, l) => s + (Number(l.trim()) || 0), 0) / 1024);
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  await preparePostgres(DATABASE_URL);
  const { sql } = createDatabase(DATABASE_URL, 4);
  const run = unique("prov");
  const t = performance.now();
  await seedProvince(sql, run, COMMUNITIES);
  await placeOnPlatforms(sql);
  const seedS = (performance.now() - t) / 1000;

  let replyLoad: ReplyLoad | undefined;
  const { wecom, dingtalk } = startFakes(() => replyLoad);
  await wecom.start();
  await dingtalk.start();
  const prefix = unique("bprov");
  const d = dingtalk.botEnv();
  const organisations = [
    { key: "yanan", name: "延安市", wecomBot: { botId: WECOM_BOT_2, secret: wecom.bots[WECOM_BOT_2], wsUrl: wecom.wsUrl } },
    {
      key: "yulin",
      name: "榆林市",
      dingtalk: { clientId: d.DINGTALK_CLIENT_ID, clientSecret: d.DINGTALK_CLIENT_SECRET, apiBase: d.DINGTALK_API_BASE, oapiBase: d.DINGTALK_OAPI_BASE, gatewayUrl: d.DINGTALK_GATEWAY_URL },
    },
  ];
  const common = {
    ...wecom.botEnv(WECOM_BOT),
    DATABASE_URL,
    QUEUE_PREFIX: prefix,
    CONNECTION_LEASE_MS: String(LEASE_MS),
    DB_POOL_SIZE: "10",
  };
  const spawn = (role: "gateway" | "worker") =>
    spawnBot(testEnv({ ...common, ROLE: role, ...(role === "worker" ? { SCHEDULER_ENABLED: "true", SCHEDULER_EVERY_MS: "1000" } : {}) }), {
      LOG_LEVEL: "info",
      ORGANISATIONS: JSON.stringify(organisations),
    });
  const gateways = [spawn("gateway"), spawn("gateway")];
  const workers = [spawn("worker"), spawn("worker")];
  const all = [...gateways, ...workers];
  const peakRss = new Map<BotProcess, number>();
  const sampler = setInterval(() => {
    for (const p of all) peakRss.set(p, Math.max(peakRss.get(p) ?? 0, rssMb(p.child.pid)));
  }, 1000);
  try {
    const urls = await Promise.all(gateways.map(urlOf));
    await Promise.all(workers.map(urlOf));
    let seen: unknown;
    // An object, not the index: waitFor takes a falsy answer (gateway 0) for "not yet".
    const { leaderIndex } = await waitFor(async () => {
      const h = await Promise.all(urls.map(health));
      seen = h;
      const i = h.findIndex(holds);
      return i >= 0 && h.some((x, j) => j !== i && x.length === 3 && x.every((s) => s === "standby")) ? { leaderIndex: i } : undefined;
    }, 120_000).catch((e: Error) => {
      throw new Error(`no leader among the gateways: ${JSON.stringify(seen)} ${gateways.map((g) => g.output().slice(-2000)).join("\n")}`, { cause: e });
    });
    const dueAt = await digestsDueSoon(sql);
    console.error(`leader: gateway ${leaderIndex}; digests due at ${dueAt.toISOString()}`);
    replyLoad = new ReplyLoad(wecom, dingtalk, await replyChats(sql));
    // Warm-up (first messages of each chat), then the quiet minute, over before the due minute.
    await replyLoad.run(REPLIES_PER_SECOND, 3, 20_000);
    const quiet = await replyLoad.run(REPLIES_PER_SECOND, REPLY_SECONDS, Math.max(1000, dueAt.getTime() - Date.now() - REPLY_SECONDS * 1000 - 5000));
    const load0 = loadavg()[0]!;
    await waitFor(async () => Date.now() >= dueAt.getTime(), 200_000, 200);
    let loaded: ReplyFigures | undefined;
    const loadedRun = replyLoad.run(REPLIES_PER_SECOND, REPLY_SECONDS).then((f) => {
      loaded = f;
    });

    // The tick: claims appear in the ledger as the scheduler composes; done when the count holds.
    const claimed = async () => Number((await sql.query<{ n: string }>(`SELECT count(*) n FROM "Delivery" WHERE kind = 'weekly-digest'`)).rows[0]!.n);
    // Rows still pending: claimed, not yet handed to the queue (done/skipped rows are the tick's markers).
    const queued = async () => Number((await sql.query<{ n: string }>(`SELECT count(*) n FROM "Delivery" WHERE kind = 'weekly-digest' AND status = 'pending'`)).rows[0]!.n);
    let tickDoneAt = 0;
    let last = -1;
    let stableSince = 0;
    // The fan-out's size: parts per target, from the ledger (a digest over the platform's limit goes in several parts).
    const expected = new Map<string, number>();
    let killedAt = 0;
    let takeoverAt = 0;
    let killed: BotProcess | undefined;
    const deadline = Date.now() + 40 * 60_000;
    let reportAt = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      if (Date.now() >= reportAt) {
        reportAt = Date.now() + 10_000;
        console.error(
          `${new Date().toISOString()} claimed ${await claimed()}, pending ${await queued()}, parts expected ${[...expected.values()].reduce((a, b) => a + b, 0)}, delivered ${delivered.length}${killedAt ? `, killed ${killedAt}, takeover ${takeoverAt}` : ""}`,
        );
      }
      if (!tickDoneAt) {
        const [c, q] = [await claimed(), await queued()];
        if (c > 0 && q === 0 && c === last) {
          if (!stableSince) stableSince = Date.now();
          if (Date.now() - stableSince >= 5000) {
            tickDoneAt = stableSince;
            const rows = await sql.query<{ recipient: string; parts: string }>(
              `SELECT recipient, jsonb_array_length(payload->'replies') parts FROM "Delivery" WHERE kind = 'weekly-digest' AND status = 'queued'`,
            );
            for (const r of rows.rows) {
              // The platforms see bare ids: the organisation is which bot or app sent it.
              const [, platform, id] = /^(?:group|user):([a-z]+):(?:[a-z0-9-]+~)?(.*)$/.exec(r.recipient) ?? [];
              const key = `${platform}:${id}`;
              expected.set(key, (expected.get(key) ?? 0) + Number(r.parts));
            }
          }
        } else stableSince = 0;
        last = c;
      }
      const total = [...expected.values()].reduce((a, b) => a + b, 0);
      // The kill waits for the loaded minute's answers: a takeover inside it would be measured as reply latency.
      if (!REPLIES_ONLY && !killed && tickDoneAt && loaded && delivered.length >= total / 3) {
        killed = gateways[leaderIndex]!;
        killed.child.kill("SIGKILL");
        killedAt = Date.now();
      }
      if (killed && !takeoverAt) {
        if (holds(await health(urls[1 - leaderIndex]!))) takeoverAt = Date.now();
      }
      if (tickDoneAt && takeoverAt && delivered.length >= total) break;
      if (REPLIES_ONLY && tickDoneAt && loaded) break;
      if (Date.now() > deadline) break;
    }
    // A little longer, so that a late duplicate would show.
    if (!REPLIES_ONLY) await new Promise((r) => setTimeout(r, 10_000));
    await loadedRun;
    clearInterval(sampler);

    const total = [...expected.values()].reduce((a, b) => a + b, 0);
    const got = new Map<string, number>();
    for (const d of delivered) got.set(d.target, (got.get(d.target) ?? 0) + 1);
    let missing = 0;
    let extra = 0;
    for (const [target, n] of expected) {
      const g = got.get(target) ?? 0;
      if (g < n) missing += n - g;
      if (g > n) extra += g - n;
    }
    for (const [target, g] of got) if (!expected.has(target)) extra += g;
    const lastAt = Math.max(...delivered.map((d) => d.at));
    const beforeKill = delivered.filter((d) => d.at < killedAt).length;
    const recipients = expected.size;
    const wecomParts = [...expected].filter(([k]) => k.startsWith("wecom:")).reduce((a, [, n]) => a + n, 0);
    const mb = (p: BotProcess) => peakRss.get(p) ?? 0;

    const at = new Date().toISOString().replace("T", " ").slice(0, 16);
    const fanOutRows = REPLIES_ONLY
      ? [`| the fan-out | not waited for (BENCH_REPLIES_ONLY): ${delivered.length} parts delivered by the end of the loaded minute |`]
      : [
          `| due minute → the last part at a platform | ${((lastAt - dueAt.getTime()) / 1000).toFixed(1)} s |`,
          `| leader gateway SIGKILLed after | ${beforeKill} parts delivered |`,
          `| kill → the standby connected to both platforms | ${takeoverAt ? ((takeoverAt - killedAt) / 1000).toFixed(1) : "never"} s |`,
          `| parts missing / delivered more than once | ${missing} / ${extra} |`,
        ];
    const section = [
      `## ${at} UTC — a province: ${COMMUNITIES} communities, 3 organisations, 2 gateways + 2 workers, the Monday tick and fan-out${REPLIES_ONLY ? " (teachers' replies during the tick only)" : ", the leader killed during it"}`,
      "",
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? "?"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, shared with other jobs (load ${load0.toFixed(1)} at the due minute, ${loadavg()[0]!.toFixed(1)} at the end). Four bot processes (\`app/start.ts\` through tsx), the platform fakes in the bench process, the machine's PostgreSQL and Redis; seeding ${seedS.toFixed(0)} s (bulk SQL, not measured). Lease ${LEASE_MS} ms. \`npm run bench:province\`.`,
      "",
      "| what | figure |",
      "|---|---|",
      `| recipients (principals 1:1 and groups) / parts | ${recipients} / ${total} (WeCom ${wecomParts}, DingTalk ${total - wecomParts}) |`,
      `| the tick: due minute → every digest claimed and queued | ${((tickDoneAt - dueAt.getTime()) / 1000).toFixed(1)} s |`,
      ...fanOutRows,
      `| DingTalk OpenAPI calls refused by the fake's 20 a second per API (and sent again later) | ${dingtalk.qpsRefusals} |`,
      `| peak RSS: gateways, workers | ${gateways.map(mb).join(", ")} MB; ${workers.map(mb).join(", ")} MB |`,
      "",
      `Teachers recording meanwhile: ${REPLIES_PER_SECOND} \`/记录\` a second from other groups (half WeCom, half DingTalk) for ${REPLY_SECONDS} s, each timed from the platform's push to the bot's answer at the platform. Answer: "${(loaded ?? quiet).sample}".`,
      "",
      "| minute | answered | reply p50 ms | reply p99 ms | reply max ms |",
      "|---|---|---|---|---|",
      ...[
        ["quiet (the minute before the due minute)", quiet],
        ["from the due minute (tick and fan-out)", loaded],
      ].map(([name, f]) => (f && typeof f === "object" ? `| ${name} | ${f.answered}/${f.sent} | ${f.p50} | ${f.p99} | ${f.max} |` : `| ${String(name)} | not measured | | | |`)),
      "",
      `Reply p99 from the due minute ÷ quiet: ${loaded ? (loaded.p99 / Math.max(1, quiet.p99)).toFixed(2) : "?"}× (target ≤ 1.5×).`,
      "",
    ].join("\n");
    console.log(section);
    console.error(`dingtalk sends by kind: ${JSON.stringify(Object.fromEntries(replyLoad.vias))}`);
    prependResults(new URL("./RESULTS.md", import.meta.url), section);
  } finally {
    clearInterval(sampler);
    for (const p of all) await p.stop();
    // BENCH_LOG_DIR: each process's log, to read what it said (gateway-0.log … worker-1.log).
    const logDir = process.env.BENCH_LOG_DIR;
    if (logDir) for (const [i, p] of all.entries()) writeFileSync(`${logDir}/${i < 2 ? `gateway-${i}` : `worker-${i - 2}`}.log`, p.output());
    await wecom.stop();
    await dingtalk.stop();
    const redis = new Redis(REDIS_URL);
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== "0");
    await redis.quit();
    await sql.end();
  }
}

await main();
