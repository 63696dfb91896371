/** Once per run: a test database, created and migrated through the same code path as `npm start`. */
import { preparePostgres } from "../../app/preflight.ts";
import { TEST_DATABASE_URL } from "./env.ts";

export default async function setup(): Promise<void> {
  await preparePostgres(TEST_DATABASE_URL);
}
