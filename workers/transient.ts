/**
 * Which failures are worth waiting out. A message that failed because PostgreSQL or Redis could
 * not be reached will succeed once they are back, so it must wait, not be answered with an
 * apology (which makes the platform consider it handled: nobody would send it again).
 */

/** Node socket errors: the server is down, restarting or unreachable. */
const SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED"]);
/** SQLSTATE: admin shutdown, crash shutdown, cannot connect now, too many connections, serialization/deadlock. */
const SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "40001", "40P01"]);
/** Prisma: can't reach server, server closed the connection, pool timeout, transaction API timeouts. */
const PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
/** Prisma driver-adapter error kinds that mean the connection, not the query. */
const ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections", "TransactionWriteConflict"]);

const MESSAGES = [
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/,
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /Can't reach database server/i,
  /Server has closed the connection/i,
  /Connection is closed/i,
  /Reached the max retries per request limit/i,
  /Stream isn't writeable/i,
  /Client has encountered a connection error/i,
  /Missing lock for job/i,
];

function* chain(e: unknown, depth = 0): Generator<Record<string, unknown>> {
  if (depth > 6 || e === null || typeof e !== "object") return;
  const o = e as Record<string, unknown>;
  yield o;
  yield* chain(o.cause, depth + 1);
  const meta = o.meta as Record<string, unknown> | undefined;
  if (meta?.driverAdapterError) yield* chain(meta.driverAdapterError, depth + 1);
  if (Array.isArray(o.errors)) for (const inner of o.errors) yield* chain(inner, depth + 1);
}

/** True when the error says a server could not be reached (or dropped us), not that the work is wrong. */
export function isConnectionError(e: unknown): boolean {
  for (const o of chain(e)) {
    const code = typeof o.code === "string" ? o.code : undefined;
    if (code && (SOCKET_CODES.has(code) || SQLSTATES.has(code) || PRISMA_CODES.has(code) || code.startsWith("08"))) return true;
    if (typeof o.originalCode === "string" && (SQLSTATES.has(o.originalCode) || o.originalCode.startsWith("08"))) return true;
    if (typeof o.kind === "string" && ADAPTER_KINDS.has(o.kind)) return true;
    if (o.name === "PrismaClientInitializationError") return true;
    const message = typeof o.message === "string" ? o.message : "";
    if (MESSAGES.some((re) => re.test(message))) return true;
  }
  return false;
}

/** Capped exponential backoff with jitter: 250 ms, 500 ms, 1 s … up to `capMs`. */
export function backoffMs(attempt: number, capMs = 5_000): number {
  const base = Math.min(capMs, 250 * 2 ** Math.min(attempt, 10));
  return Math.round(base / 2 + Math.random() * (base / 2));
}
