/**
 * A database of its own for a test of one migration on rows made before it: created empty, every
 * earlier migration applied, the one under test applied by the test itself once its rows are in,
 * dropped at the end. Each migration runs in a transaction, as Prisma's migrate does.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { TEST_DATABASE_URL, unique } from "./env.ts";

const dir = join(import.meta.dirname, "..", "..", "prisma", "migrations");

export interface MigrationDb {
  /** Rows of one statement. */
  q(sql: string, values?: unknown[]): Promise<pg.QueryResult["rows"]>;
  /** Applies a migration by its folder name. */
  apply(migration: string): Promise<void>;
  /** The database's URL, for code under test that opens its own pool. */
  url: string;
}

/** Registers the hooks: a database with every migration before `migration` applied. */
export function databaseBefore(migration: string): MigrationDb {
  const name = unique("jiaolian_mig_");
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const admin = new URL(TEST_DATABASE_URL);
  admin.pathname = "/postgres";
  let db: pg.Client | undefined;
  const asAdmin = async (sql: string) => {
    const a = new pg.Client({ connectionString: admin.toString() });
    await a.connect();
    await a.query(sql);
    await a.end();
  };
  const handle: MigrationDb = {
    url: url.toString(),
    async q(sql, values = []) {
      return (await db!.query(sql, values)).rows;
    },
    async apply(m) {
      await db!.query("BEGIN");
      await db!.query(await readFile(join(dir, m, "migration.sql"), "utf8"));
      await db!.query("COMMIT");
    },
  };
  beforeAll(async () => {
    await asAdmin(`CREATE DATABASE "${name}"`);
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    const all = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
    for (const m of all.filter((m) => m < migration).sort()) await handle.apply(m);
  });
  afterAll(async () => {
    await db?.end();
    await asAdmin(`DROP DATABASE IF EXISTS "${name}"`);
  });
  return handle;
}
