/**
 * The whole configuration: one zod schema parsed once at boot. Empty strings count as unset,
 * numbers are coerced, flags are "true"|"false" (never z.coerce.boolean, which reads "false" as true).
 */
import { z } from "zod";

const flag = z.enum(["true", "false"]).transform((v) => v === "true");
const emptyAsUnset = (raw: NodeJS.ProcessEnv): Record<string, string> =>
  Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== ""));

export const envSchema = z.object({
  DATABASE_URL: z.string().url().default("postgresql://postgres@127.0.0.1:5432/jiaolian"),
  REDIS_URL: z.string().url().default("redis://127.0.0.1:6379"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Listening address of the HTTP server; /sim routes refuse non-loopback callers regardless. */
  HOST: z.string().default("127.0.0.1"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** gateway: platform connections + outbound sending; worker: inbound processing + schedulers; all: both. */
  ROLE: z.enum(["all", "gateway", "worker"]).default("all"),
  /** Prefix of every BullMQ key, so several deployments (or tests) can share one Redis. */
  QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:.-]+$/).default("jiaolian"),
  SIMULATOR: flag.optional(),
  INBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  OUTBOUND_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /** BullMQ lock duration; a worker that dies loses its job to another after this long. */
  JOB_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  STALLED_INTERVAL_MS: z.coerce.number().int().min(200).default(30_000),
  /** Only for fault-injection tests: crash the process right after a command's transaction commits. */
  FAULT_CRASH_AFTER_COMMIT: flag.default(false),
  /** Diagnostics and the benchmark's baseline: reply with the text itself, touching no database. */
  ECHO_MODE: flag.default(false),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
});

export type Env = z.infer<typeof envSchema>;

/** Parses the environment; throws an Error whose message lists every bad variable (never values). */
export function loadEnv(raw: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(emptyAsUnset(raw));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`配置有误 (configuration error):\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/** The simulator runs when asked to, or by default when no platform is configured. */
export function simulatorEnabled(env: Env): boolean {
  return env.SIMULATOR ?? true;
}
