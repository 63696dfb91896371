import { defineConfig } from "vitest/config";

/**
 * `npm run test:release`: builds the release archive and runs it unpacked, offline (test/release/).
 * Apart from `npm test` because the build takes a minute or two; CI runs both.
 */
export default defineConfig({
  test: {
    include: ["test/release/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/redis-cleanup.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 1,
  },
});
