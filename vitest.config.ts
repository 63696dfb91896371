import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The release archive's test builds it (a minute or two): `npm run test:release`, run by CI.
    exclude: ["test/release/**", "node_modules/**"],
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/redis-cleanup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Two cores: two test files at a time; each test still uses its own community and queue prefix.
    maxWorkers: 2,
    // dingtalk-stream 2.1.5 console.info()s "[time] connect success" on every socket it opens,
    // past our logger; in tests that is dozens of lines of noise around a green run.
    onConsoleLog: (log) => !/^\[[0-9TZ:.-]+\] connect success\s*$/.test(log),
  },
});
