/**
 * Names of the databases test files get of their own (own-database.ts):
 * `<shared test database>_own_<run started, epoch s>_<random>_<file stem>`, at most 63 bytes,
 * and dropping them by run. No vitest import: global-setup.ts uses this in the main process.
 */
import pg from "pg";
import { TEST_DATABASE_URL } from "./env.ts";

const base = () => new URL(TEST_DATABASE_URL).pathname.slice(1);
const NAME = /^(.+)_own_(\d+)_([0-9a-f]+)_([a-z0-9_]+)$/;

export interface TestRun {
  id: string;
  startedS: number;
}

export function ownDatabaseUrl(runId: string, stem: string): string {
  if (!/^[a-z0-9_]{1,20}$/.test(stem)) throw new Error(`database name stem must be [a-z0-9_]{1,20}: ${stem}`);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${base()}_own_${runId}_${stem}`;
  return url.toString();
}

function runOf(database: string): TestRun | null {
  const m = NAME.exec(database);
  return m && m[1] === base() ? { id: `${m[2]}_${m[3]}`, startedS: Number(m[2]) } : null;
}

/** Drops this server's own-databases whose run matches (connections still open are closed). */
export async function dropOwnDatabases(which: (run: TestRun) => boolean): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`${base()}\\_own\\_%`]);
    for (const { datname } of rows) {
      const run = runOf(datname);
      if (run && which(run)) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}
