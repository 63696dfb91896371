/** Web form settings from the environment: where links point and the key that signs them. */
import { randomBytes } from "node:crypto";
import type { FormSettings } from "../commands/types.ts";
import type { Env } from "../config/env.ts";
import type { Logger } from "../config/logger.ts";

export function formSettings(env: Env, log: Logger): FormSettings | undefined {
  const ttlMs = env.FORM_LINK_TTL_HOURS * 3_600_000;
  const baseUrl = (env.PUBLIC_BASE_URL ?? "").replace(/\/+$/, "");
  if (env.FORM_SECRET) return { baseUrl, secret: env.FORM_SECRET, ttlMs };
  if (env.ROLE !== "all") {
    // A worker signs links that a gateway checks: both need the same key.
    log.warn("表单已关闭：分开部署时需要设置 FORM_SECRET（forms are off: set FORM_SECRET when gateway and workers run apart)");
    return undefined;
  }
  log.warn("未设置 FORM_SECRET：表单链接在重启后失效（FORM_SECRET unset: form links stop working after a restart)");
  return { baseUrl, secret: randomBytes(32).toString("hex"), ttlMs };
}
