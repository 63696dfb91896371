/** Per-test cleanup for tests that start apps and servers: registered in order, undone in reverse after each test. */
import { afterEach } from "vitest";
import type { App } from "../../app/app.ts";
import { startTestApp } from "./harness.ts";

export function useCleanup() {
  const undo: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (undo.length) await undo.pop()?.();
  });
  return {
    defer: (f: () => Promise<unknown>) => void undo.push(f),
    /** A test app (startTestApp) closed after the test. */
    async app(overrides: Record<string, string> = {}): Promise<App> {
      const a = await startTestApp(overrides);
      undo.push(() => a.close());
      return a;
    },
  };
}
