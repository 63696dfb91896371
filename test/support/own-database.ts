/**
 * A database of its own, for a test file that runs the scheduler: a tick works on every community
 * in its database, so in the shared test database it would also do (and wait behind) every other
 * file's communities, and slow down as those accumulate. Created through the same migration path
 * as `npm start` (about 0.2 s) and named after the run (global-setup.ts provides the run id and
 * drops the run's databases at its end), so two runs on one machine never share one.
 */
import { inject } from "vitest";
import { preparePostgres } from "../../app/preflight.ts";
import { ownDatabaseUrl } from "./own-database-name.ts";

export async function ownDatabase(stem: string): Promise<string> {
  const url = ownDatabaseUrl(inject("testRunId"), stem);
  await preparePostgres(url);
  return url;
}
