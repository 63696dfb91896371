/** Starting with a service down or a bad setting ends with one readable paragraph, not a stack trace. */
import { describe, expect, it } from "vitest";
import { testEnv } from "./support/env.ts";
import { spawnBot } from "./support/process.ts";

describe("boot failures", () => {
  it.each([
    ["Redis", { REDIS_URL: "redis://127.0.0.1:1" }, /连不上 Redis（尝试了 redis:\/\/127\.0\.0\.1:1/],
    ["PostgreSQL", { DATABASE_URL: "postgresql://postgres:secret@127.0.0.1:1/jiaolian" }, /PostgreSQL 失败（尝试了 postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1/],
    ["a bad PORT", { PORT: "abc" }, /配置有误[\s\S]*PORT/],
    ["a bad ROLE", { ROLE: "everything" }, /配置有误[\s\S]*ROLE/],
  ])(
    "%s",
    async (_name, overrides, message) => {
      const p = spawnBot(testEnv(), { ...overrides });
      expect(await p.exited).toBe(1);
      expect(p.output()).toMatch(message);
      expect(p.output()).not.toMatch(/\n\s+at /);
      expect(p.output()).not.toContain("secret");
    },
    30_000,
  );
});
