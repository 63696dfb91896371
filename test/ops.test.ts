/**
 * What operators rely on: /metrics in Prometheus format, the queue dashboard only behind
 * ADMIN_TOKEN, Redis settings checked at start-up, and which failures count as an outage.
 */
import { describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import pg from "pg";
import { checkRedis } from "../app/preflight.ts";
import { createDatabase, isUniqueViolation } from "../db/client.ts";
import { ensureDatabase } from "../db/migrate.ts";
import { isConnectionError } from "../workers/transient.ts";
import { PrivateRedis } from "./faults/services.ts";
import { TEST_DATABASE_URL, unique } from "./support/env.ts";
import { useCleanup } from "./support/cleanup.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";

const { app, defer } = useCleanup();

const TOKEN = "s3cret-admin-token-0123456789";

describe("GET /metrics", () => {
  it("counts messages by platform and command, with latency histograms and queue depths", async () => {
    const a = await app();
    const g = await boundGroup(a, { schools: false });
    await g.says("/帮助");
    const res = await fetch(`${a.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/jiaolian_messages_in_total\{platform="sim",outcome="queued"\} [1-9]/);
    expect(text).toMatch(/jiaolian_messages_processed_total\{platform="sim",command="绑定",outcome="done"\} [1-9]/);
    expect(text).toMatch(/jiaolian_processing_seconds_bucket\{le="0.5",platform="sim",command="帮助"\} [1-9]/);
    expect(text).toMatch(/jiaolian_queue_jobs\{queue="inbound",state="wait"\} 0/);
    expect(text).toContain("jiaolian_platform_connected");
    expect(text).toContain("jiaolian_scheduled_deliveries_total");
  });
});

describe("queue dashboard", () => {
  it("does not exist without ADMIN_TOKEN", async () => {
    const a = await app();
    expect((await fetch(`${a.url}/admin/queues`)).status).toBe(404);
  });

  it("with ADMIN_TOKEN: only with that token, by Bearer or Basic; malformed headers are refused, not errors", async () => {
    const a = await app({ ADMIN_TOKEN: TOKEN });
    const get = (authorization?: string) => fetch(`${a.url}/admin/queues`, { headers: authorization ? { authorization } : {} });
    for (const bad of [undefined, `Bearer ${TOKEN}x`, "Bearer", "Basic !!!", "Basic", `Token ${TOKEN}`, `Bearer ${TOKEN.slice(0, -1)}`]) {
      const res = await get(bad);
      expect(res.status, String(bad)).toBe(401);
      expect(await res.text()).not.toContain("inbound");
    }
    expect((await get(`Bearer ${TOKEN}`)).status).toBe(200);
    const basic = await get(`Basic ${Buffer.from(`admin:${TOKEN}`).toString("base64")}`);
    expect(basic.status).toBe(200);
    const api = await fetch(`${a.url}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(JSON.stringify(await api.json())).toContain("inbound");
    expect((await fetch(`${a.url}/admin/queues/api/queues`)).status).toBe(401);
  });
});

describe("Redis settings at start-up", () => {
  it("warns, in Chinese and English with the setting to change, about eviction and missing persistence", async () => {
    const lru = await PrivateRedis.start(["--maxmemory-policy", "allkeys-lru"]);
    defer(() => lru.destroy());
    const warnings = (await checkRedis({ kind: "standalone", url: lru.url })).join("\n");
    expect(warnings).toContain("maxmemory-policy 是 allkeys-lru");
    expect(warnings).toContain("CONFIG SET maxmemory-policy noeviction");
    expect(warnings).toContain("appendonly yes");
    expect(warnings).toMatch(/Redis persistence is off/);
  });

  it("is silent for noeviction with AOF", async () => {
    const good = await PrivateRedis.start(["--appendonly", "yes", "--appendfsync", "everysec"]);
    defer(() => good.destroy());
    expect(await checkRedis({ kind: "standalone", url: good.url })).toEqual([]);
  });
});

describe("which failures are an outage (waited out) and which are not (apology)", () => {
  it("unreachable PostgreSQL through pg and through Prisma, unreachable Redis: an outage", async () => {
    const raw = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:1/x", connectionTimeoutMillis: 2_000 });
    const pgError = await raw.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionError(pgError)).toBe(true);

    const { db, sql } = createDatabase("postgresql://postgres@127.0.0.1:1/x", 1);
    const prismaError = await db.$queryRaw`SELECT 1`.then(
      () => undefined,
      (e: unknown) => e,
    );
    await db.$disconnect();
    await sql.end();
    expect(prismaError).toBeDefined();
    expect(isConnectionError(prismaError)).toBe(true);

    const redis = new Redis("redis://127.0.0.1:1", { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
    redis.on("error", () => undefined);
    const redisError = await redis.ping().then(
      () => undefined,
      (e: unknown) => e,
    );
    redis.disconnect();
    expect(isConnectionError(redisError)).toBe(true);
  });

  it("a constraint the input breaks, a bad statement: not an outage", async () => {
    const { db, sql } = createDatabase(TEST_DATABASE_URL, 1);
    defer(async () => {
      await db.$disconnect();
      await sql.end();
    });
    const name = unique("共同体");
    await db.community.create({ data: { name } });
    const duplicate = await db.community.create({ data: { name } }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(isConnectionError(duplicate)).toBe(false);
    const syntax = await sql.query("SELEC 1").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isConnectionError(syntax)).toBe(false);
    expect(isConnectionError(new TypeError("Cannot read properties of undefined"))).toBe(false);
  });
});

describe("several processes starting at once (1 gateway + 2 workers)", () => {
  it("all create the missing database without one of them failing", async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${unique("jl_race_")}`;
    await Promise.all([1, 2, 3, 4].map(() => ensureDatabase(url.toString())));
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE "${url.pathname.slice(1)}"`);
    await admin.end();
  });
});

describe("shutdown with a request held open", () => {
  it("closes once the held request is answered, without waiting for the client's keep-alive socket", async () => {
    const a = await startTestApp({ ROLE: "gateway" }); // no worker: the simulator holds the request its full 10 s
    const started = Date.now();
    const held = fetch(`${a.url}/sim/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ chatId: unique("g"), userId: "u", text: "/帮助" }) });
    await new Promise((r) => setTimeout(r, 500));
    await a.close();
    expect((await held).status).toBe(504);
    expect(Date.now() - started).toBeLessThan(20_000); // before: Fastify's 72 s keep-alive
  }, 30_000);
});
