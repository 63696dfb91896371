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
  if (known) console.error((e as Error).message);
  else createLogger("error").fatal({ err: e }, "教联体助手启动失败 (start-up failed)");
  process.exit(1);
});
