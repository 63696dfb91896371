/**
 * Once per run: the shared test database, created and migrated through the same code path as
 * `npm start`; a run id for the databases of this run's own (test/support/own-database.ts),
 * dropped when the run ends, and those of runs that died more than six hours ago.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { preparePostgres } from "../../app/preflight.ts";
import { TEST_DATABASE_URL } from "./env.ts";
import { dropOwnDatabases } from "./own-database-name.ts";

declare module "vitest" {
  export interface ProvidedContext {
    testRunId: string;
  }
}

const STALE_S = 6 * 3600;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await preparePostgres(TEST_DATABASE_URL);
  await forgetEarlierRunsWrongLinkCodes();
  const startedS = Math.floor(Date.now() / 1000);
  const runId = `${startedS}_${randomBytes(3).toString("hex")}`;
  project.provide("testRunId", runId);
  await dropOwnDatabases((run) => run.startedS < startedS - STALE_S);
  return () => dropOwnDatabases((run) => run.id === runId);
}

/**
 * Wrong /关联 codes are counted deployment-wide, and every test sends at the same fixed clock
 * (TEST_NOW), so the rows earlier runs left in the shared database never age out of the window:
 * after enough runs, the all-senders cap would refuse every code in this one.
 */
async function forgetEarlierRunsWrongLinkCodes(): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DELETE FROM "LinkCodeFailure"`);
  } finally {
    await client.end();
  }
}
