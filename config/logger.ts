/** One pino logger; secrets are redacted by key wherever they appear in logged objects. */
import { pino, type Logger } from "pino";

export type { Logger };

const SECRET_KEYS = ["secret", "token", "password", "aesKey", "DATABASE_URL", "REDIS_URL", "authorization", "ticket", "sessionWebhook", "accessToken", "access_token", "clientSecret", "WECOM_BOT_SECRET", "WECOM_APP_SECRET", "WECOM_APP_AES_KEY", "WECOM_APP_TOKEN", "DINGTALK_CLIENT_SECRET"];

export function createLogger(level: string, name = "jiaolian"): Logger {
  return pino({
    name,
    level,
    redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)], censor: "[redacted]" },
  });
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
