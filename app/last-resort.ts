/**
 * The process's last resort: an exception nobody caught (e.g. thrown from an SDK's timer) or a
 * rejected promise nobody awaited leaves the process in an unknown state. It is logged through
 * pino and the process exits non-zero, so the supervisor starts a clean one; it never carries on
 * half-broken and never hangs.
 */
import type { Logger } from "../config/logger.ts";

export function installLastResort(log: Logger, exit: (code: number) => void = (code) => process.exit(code)): void {
  const die = (kind: string) => (reason: unknown) => {
    const err = reason instanceof Error ? { message: reason.message, stack: reason.stack } : { message: String(reason) };
    log.fatal({ err, kind }, "unexpected failure; exiting so the supervisor restarts the bot");
    // pino writes synchronously to stdout by default, so the line is out before exiting.
    exit(1);
  };
  process.on("uncaughtException", die("uncaughtException"));
  process.on("unhandledRejection", die("unhandledRejection"));
}
