/** Runs the bot as a separate OS process (a worker or gateway), for multi-process and crash tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Env } from "../../config/env.ts";

const START = fileURLToPath(new URL("../../app/start.ts", import.meta.url));

export interface BotProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
  stop(): Promise<void>;
}

export function spawnBot(env: Env, overrides: Record<string, string>): BotProcess {
  const vars: Record<string, string> = Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)]));
  delete vars.SIMULATOR;
  const child = spawn(process.execPath, ["--import", "tsx", START], {
    env: { ...process.env, ...vars, PORT: "0", LOG_LEVEL: "warn", ...overrides },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    output: () => out,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error("waitFor timed out");
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
