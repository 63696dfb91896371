/** The Prisma client over node-postgres (driver adapter: no query-engine binary needed). */
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, Prisma } from "../generated/prisma/client.ts";
import { SerialClient } from "./serial-client.ts";

export type Db = PrismaClient;
export type Tx = Prisma.TransactionClient;
export { Prisma };

/** Raw SQL on the same connection pool as Prisma, for the few statements on every message's path. */
export type Sql = pg.Pool;

export interface Database {
  db: Db;
  sql: Sql;
}

/**
 * One pg pool shared by Prisma (through its driver adapter) and by the hot-path statements.
 * Why raw SQL there: per query, Prisma's client costs about 0.3 ms of CPU more than pg itself,
 * which on this path was a quarter of the time per message (bench/RESULTS.md).
 */
export function createDatabase(databaseUrl: string, poolSize = 10, { preparedStatements = true } = {}): Database {
  // SerialClient: Prisma sends a transaction's relation loads at once on its one connection (serial-client.ts).
  const sql = new pg.Pool({ connectionString: databaseUrl, max: poolSize, connectionTimeoutMillis: 5_000, Client: SerialClient });
  if (!preparedStatements) unnamedPools.add(sql);
  // Prisma's adapter sends unnamed statements unless given a statementNameGenerator: nothing to do there.
  return { db: new PrismaClient({ adapter: new PrismaPg(sql) }), sql };
}

/** Pools that must not name their statements (behind PgBouncer's transaction mode). */
const unnamedPools = new WeakSet<Sql>();

/** `{ name }` for a hot-path statement, or nothing where named statements would break. */
export function statementName(sql: Sql, name: string): { name?: string } {
  return unnamedPools.has(sql) ? {} : { name };
}

/** True for a unique-constraint violation: P2002 from a model query, SQLSTATE 23505 from raw SQL. */
export function isUniqueViolation(e: unknown): boolean {
  if ((e as { code?: unknown } | null)?.code === "23505") return true; // straight from pg
  if (!(e instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return e.code === "P2002" || (e.code === "P2010" && e.message.includes("23505"));
}
