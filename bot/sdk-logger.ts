/** Hands a platform SDK's console-style logging to our pino logger (so redaction and levels apply). */
import type { Logger } from "../config/logger.ts";

export interface SdkLogger {
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string, ...args: unknown[]): void;
}

const join = (message: string, args: unknown[]) => [message, ...args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a)))].join(" ").slice(0, 500);

export function sdkLogger(log: Logger): SdkLogger {
  return {
    // SDK debug output contains whole message bodies: kept at debug (off by default).
    debug: (m, ...a) => log.debug(join(m, a)),
    info: (m, ...a) => log.info(join(m, a)),
    warn: (m, ...a) => log.warn(join(m, a)),
    error: (m, ...a) => log.error(join(m, a)),
  };
}
