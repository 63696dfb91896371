/**
 * Issue 24, deliverable 7 (quiet output): a Prisma transaction that loads several relations sends
 * them at once on its one connection (prisma/orm#29407); pg ≥ 8.19 warns about that and pg 9 will
 * refuse it. The pool's SerialClient sends them one after another: same results, no warning.
 * (util.deprecate warns once per process; vitest runs each test file in its own process.)
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { createDatabase, type Database } from "../db/client.ts";
import { SerialClient } from "../db/serial-client.ts";
import { TEST_DATABASE_URL, unique } from "./support/env.ts";
import { startTestApp } from "./support/harness.ts";

const warnings: string[] = [];
const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);

let app: App;
let database: Database;
beforeAll(async () => {
  app = await startTestApp(); // migrates the test database
  database = createDatabase(TEST_DATABASE_URL, 2);
  process.on("warning", onWarning);
});
afterAll(async () => {
  process.off("warning", onWarning);
  await database?.db.$disconnect();
  await database?.sql.end();
  await app?.close();
});

const queued = () => warnings.filter((w) => w.includes("already executing a query"));

describe("one connection, one query at a time", () => {
  it("a transaction's include of two relations returns them both, and pg does not warn", async () => {
    const name = unique("serial");
    const community = await database.db.community.create({
      data: { name, schools: { create: [{ fullName: `${name}一小`, shortNames: ["一小"], role: "core" }] }, members: { create: [{ displayName: "王芳", roles: ["teacher"] }] } },
    });
    const loaded = await database.db.$transaction((tx) => tx.community.findUniqueOrThrow({ where: { id: community.id }, include: { schools: true, members: true, chats: true } }));
    expect(loaded.schools.map((s) => s.fullName)).toEqual([`${name}一小`]);
    expect(loaded.members.map((m) => m.displayName)).toEqual(["王芳"]);
    await new Promise((r) => setImmediate(r)); // process warnings are emitted on the next tick
    expect(queued()).toEqual([]);
  });

  it("keeps the order of the statements and the failure of one, and passes callback calls through", async () => {
    const pool = new pg.Pool({ connectionString: TEST_DATABASE_URL, max: 1, Client: SerialClient });
    const client = await pool.connect();
    try {
      const order: number[] = [];
      const slow = client.query({ text: "SELECT pg_sleep(0.05), 1 AS n" }).then(() => order.push(1));
      const failing = client.query({ text: "SELECT 1/0" }).catch((e: Error) => e.message);
      const fast = client.query({ text: "SELECT 3 AS n" }).then(() => order.push(3));
      const [, message] = await Promise.all([slow, failing, fast]);
      expect(message).toMatch(/division by zero/);
      expect(order).toEqual([1, 3]);
      const viaCallback = await new Promise<number>((resolve, reject) => client.query("SELECT 4 AS n", [], (err, res) => (err ? reject(err) : resolve(res.rows[0].n))));
      expect(viaCallback).toBe(4);
    } finally {
      client.release();
      await pool.end();
    }
    await new Promise((r) => setImmediate(r));
    expect(queued()).toEqual([]);
  });
});
