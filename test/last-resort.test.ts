/** An exception nobody catches ends the process with a non-zero code and a pino line; it never hangs. */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SCRIPT = fileURLToPath(new URL("./support/throw-later.ts", import.meta.url));

function run(how: string): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT, how], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  // The child keeps an interval alive: without the handler it would either crash with a stack
  // trace on stderr (no pino line) or, for a rejection with a handler that does not exit, hang.
  const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  return new Promise((resolve) =>
    child.once("exit", (code) => {
      clearTimeout(killer);
      resolve({ code, out });
    }),
  );
}

describe("last resort", () => {
  it.each([
    ["a throw from an SDK timer", "throw", /readyState 0 \(CONNECTING\)/],
    ["an unhandled rejection", "reject", /gateway answered 502/],
  ])(
    "%s: logged through pino, exit code 1",
    async (_what, how, message) => {
      const { code, out } = await run(how);
      expect(code).toBe(1);
      const line = out.split("\n").find((l) => l.startsWith("{") && l.includes('"level":60'));
      expect(line).toBeDefined();
      expect(line).toMatch(message);
    },
    20_000,
  );
});
