/**
 * Runs a raw-SQL helper written for the pg pool (e.g. insertActivity) inside a Prisma interactive
 * transaction instead, so its insert commits or rolls back with the rest of the command.
 */
import type { Sql, Tx } from "./client.ts";

export function sqlInTransaction(tx: Tx): Sql {
  const query = async (q: { text: string; values?: unknown[] }) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(q.text, ...(q.values ?? [])) });
  return { query } as unknown as Sql;
}
