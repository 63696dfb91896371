/**
 * Once per run: the shared test database, created and migrated through the same code path as
 * `npm start`; a run id for the databases of this run's own (test/support/own-database.ts),
 * dropped when the run ends, and those of runs that died more than six hours ago.
 */
import { randomBytes } from "node:crypto";
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
  const startedS = Math.floor(Date.now() / 1000);
  const runId = `${startedS}_${randomBytes(3).toString("hex")}`;
  project.provide("testRunId", runId);
  await dropOwnDatabases((run) => run.startedS < startedS - STALE_S);
  return () => dropOwnDatabases((run) => run.id === runId);
}
