/**
 * One pino logger; secrets are redacted by key wherever they appear in logged objects. JSON lines
 * for machines (files, log shippers); readable colored lines when a person watches a terminal.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

const SECRET_KEYS = [
  "secret",
  "token",
  "password",
  "aesKey",
  "DATABASE_URL",
  "REDIS_URL",
  "authorization",
  "ticket",
  "sessionWebhook",
  "accessToken",
  "access_token",
  "clientSecret",
  "WECOM_BOT_SECRET",
  "WECOM_APP_SECRET",
  "WECOM_APP_AES_KEY",
  "WECOM_APP_TOKEN",
  "DINGTALK_CLIENT_SECRET",
  "ADMIN_TOKEN",
  "METRICS_TOKEN",
  "S3_SECRET_ACCESS_KEY",
  "secretAccessKey",
  "secretKey",
];

export function createLogger(level: string, name = "jiaolian", destination?: DestinationStream): Logger {
  // Synchronous pretty stream (not a worker-thread transport): nothing is lost if the process exits right after.
  const out = destination ?? (process.stdout.isTTY ? pretty({ colorize: true, sync: true, translateTime: "SYS:HH:MM:ss.l" }) : undefined);
  const options = {
    name,
    level,
    redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)], censor: "[redacted]" },
  };
  return out ? pino(options, out) : pino(options);
}

/** A URL safe to print: the password, if any, replaced. */
export function maskUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(无效的地址)";
  }
}
