import { defineConfig } from "vitest/config";

/**
 * `npm run test:faults`: fault injection against private PostgreSQL/Redis servers (test/faults/),
 * one file at a time (they stop and start servers and run bot processes; timing matters).
 */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.fault.ts"],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 1,
    fileParallelism: false,
  },
});
