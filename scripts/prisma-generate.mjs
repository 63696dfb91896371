// Runs `prisma generate` without the native schema engine, which Prisma would try to download.
// The client generator itself runs on WebAssembly shipped in the package; the CLI only checks
// that PRISMA_SCHEMA_ENGINE_BINARY names an existing file (see ../shared/platform-notes.md).
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("prisma/build/index.js");
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
const result = spawnSync(process.execPath, [cli, "generate"], { stdio: "inherit", env });
process.exit(result.status ?? 1);
