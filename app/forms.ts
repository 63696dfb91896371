/** Web form settings from the environment: where links point and the key that signs them. */
import { randomBytes } from "node:crypto";
import type { FormSettings } from "../commands/core/types.ts";
import { simulatorEnabled, type Env } from "../config/env.ts";
import type { Logger } from "../config/logger.ts";

export function formSettings(env: Env, log: Logger): FormSettings | undefined {
  const ttlMs = env.FORM_LINK_TTL_HOURS * 3_600_000;
  if (!env.PUBLIC_BASE_URL && !simulatorEnabled(env)) {
    log.warn("未设置 PUBLIC_BASE_URL：表单和下载链接会指向本机地址，手机打不开（PUBLIC_BASE_URL unset: form and download links point at this machine)");
  }
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
