/** `npm start`: parse the configuration, start, and close cleanly on SIGINT/SIGTERM. */
import { loadEnv } from "../config/env.ts";
import { createLogger } from "../config/logger.ts";
import { startApp } from "./app.ts";
import { installLastResort } from "./last-resort.ts";
import { StartupError } from "./preflight.ts";

async function main(): Promise<void> {
  const env = loadEnv();
  const log = createLogger(env.LOG_LEVEL);
  installLastResort(log);
  const app = await startApp({ env, log });
  const stop = async (signal: string) => {
    app.log.info({ signal }, "shutting down");
    await app.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

main().catch((e: unknown) => {
  // One readable paragraph for the person starting the bot; no stack trace for expected problems.
  const known = e instanceof StartupError || (e instanceof Error && e.message.startsWith("配置有误"));
  console.error(known ? (e as Error).message : e);
  process.exit(1);
});
