/** .env.example names every variable of config/env.ts with its real default, so an admin's copy is never stale. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { envSchema, FILE_VARIABLES, loadEnv } from "../../config/env.ts";

const example = readFileSync(join(import.meta.dirname, "../../.env.example"), "utf8");
// "# KEY=default" (left at its default) or "KEY=value" (set): the lines an admin edits.
const entries = new Map([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));

describe(".env.example", () => {
  it("names every configuration variable, and nothing the program does not read", () => {
    expect([...entries.keys()].sort()).toEqual(Object.keys(envSchema.shape).sort());
  });

  it("writes each default as the program applies it", () => {
    const defaults = loadEnv({}) as Record<string, unknown>;
    for (const [key, value] of entries) {
      const actual = defaults[key];
      expect({ key, value }).toEqual({ key, value: actual === undefined ? "" : String(actual) });
    }
  });

  it("lists the variables that may come from a file", () => {
    for (const key of FILE_VARIABLES) expect(example).toMatch(new RegExp(`适用于：[^。]*\\b${key}\\b`));
  });
});
