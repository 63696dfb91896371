/**
 * A database of its own, new for this run, for a test file that runs the scheduler: a tick works
 * on every community in its database, so in the shared test database it would also do (and wait
 * behind) every other file's communities, and slow down as those accumulate. Dropped and created
 * again through the same migration path as `npm start` (about 0.2 s).
 */
import pg from "pg";
import { preparePostgres } from "../../app/preflight.ts";
import { TEST_DATABASE_URL } from "./env.ts";

export async function ownDatabase(name: string): Promise<string> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`database name stem must be [a-z0-9_]: ${name}`);
  const url = new URL(TEST_DATABASE_URL);
  const database = `${url.pathname.slice(1)}_${name}`;
  url.pathname = `/${database}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  await preparePostgres(url.toString());
  return url.toString();
}
