/**
 * PostgreSQL through Debian's PgBouncer (1.18) in transaction mode: each transaction may run on
 * another server connection, so a named prepared statement is unknown there (or already taken).
 * The hot path sends unnamed statements when DB_PREPARED_STATEMENTS=false; creating the database
 * and migrating (advisory lock) go to DATABASE_DIRECT_URL.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp } from "../app/app.ts";
import { createDatabase } from "../db/client.ts";
import { loadMessageContext } from "../db/message-context.ts";
import { boundGroup, post, startTestApp, TEST_NOW } from "./support/harness.ts";
import { TEST_DATABASE_URL, testEnv } from "./support/env.ts";
import { OwnPgBouncer } from "./support/own-pgbouncer.ts";

const database = decodeURIComponent(new URL(TEST_DATABASE_URL).pathname.slice(1));
let bouncer: OwnPgBouncer;

beforeAll(async () => {
  bouncer = await OwnPgBouncer.start([database], 2);
}, 240_000);
afterAll(async () => {
  await bouncer?.stop();
});

/** 24 hot-path queries at once over 6 client connections sharing 2 server connections. */
async function burstOfContexts(preparedStatements: boolean): Promise<PromiseSettledResult<unknown>[]> {
  const { db, sql } = createDatabase(bouncer.url(database), 6, { preparedStatements });
  try {
    const results: PromiseSettledResult<unknown>[] = [];
    for (let round = 0; round < 5; round++) {
      results.push(...(await Promise.allSettled(Array.from({ length: 24 }, (_, i) => loadMessageContext(sql, { platform: "sim", chatId: `pgb-${i}`, senderId: "u" }, `k-${randomUUID()}`)))));
    }
    return results;
  } finally {
    await db.$disconnect();
    await sql.end();
  }
}

describe("hot-path statements through PgBouncer's transaction mode", () => {
  it("named statements break there (the reason for the setting); unnamed ones all succeed", async () => {
    const named = await burstOfContexts(true);
    const failures = named.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(failures.length).toBeGreaterThan(0);
    expect(String(failures[0]?.reason)).toMatch(/prepared statement/);

    const unnamed = await burstOfContexts(false);
    expect(unnamed.filter((r) => r.status === "rejected")).toEqual([]);
  }, 60_000);
});

describe("the bot with DATABASE_URL through PgBouncer", () => {
  it("migrates over DATABASE_DIRECT_URL and records a burst through the pooler exactly once", async () => {
    const app = await startTestApp({ DATABASE_URL: bouncer.url(database), DATABASE_DIRECT_URL: TEST_DATABASE_URL, DB_PREPARED_STATEMENTS: "false" });
    try {
      const g = await boundGroup(app);
      const n = 20;
      const ids = Array.from({ length: n }, () => randomUUID());
      const send = (i: number) =>
        post(app, "/sim/messages", { chatId: g.chatId, userId: g.userId, userName: g.userName, text: `/记录 示范课 2026-11-20 二小 参与=郝家也 语文 《第${i}课》 30人`, messageId: ids[i] });
      const first = await Promise.all(ids.map((_, i) => send(i)));
      for (const r of first) expect(r.body.replies?.[0]?.text).toMatch(/已记录/);
      // The platform delivering the same messages again changes nothing.
      await Promise.all(ids.slice(0, 5).map((_, i) => send(i)));
      const activities = await g.activities();
      expect(activities).toHaveLength(n);
      expect(new Set(activities.map((a) => a.number)).size).toBe(n);
    } finally {
      await app.close();
    }
  }, 120_000);

  it("without a direct URL, start-up says that creating/migrating the database failed (the pooler serves no 'postgres' database)", async () => {
    const env = testEnv({ DATABASE_URL: bouncer.url(database), DB_PREPARED_STATEMENTS: "false" });
    await expect(startApp({ env, now: () => TEST_NOW })).rejects.toThrow(/连接或初始化 PostgreSQL 失败/);
    // The same pooler is fine for queries: only the direct work needed the server itself.
    const c = new pg.Client({ connectionString: bouncer.url(database) });
    await c.connect();
    expect((await c.query("SELECT 1 AS one")).rows[0]).toEqual({ one: 1 });
    await c.end();
  }, 30_000);
});
