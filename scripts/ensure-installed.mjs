// Runs before `npm start` and `npm test`: installs from the lockfile when node_modules is missing
// or older than the lockfile, so each is one command on a fresh clone. Uses only Node built-ins.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";

const marker = "node_modules/.package-lock.json";
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync("package-lock.json").mtimeMs || !existsSync("generated/prisma/client.ts");
if (stale) {
  console.log("安装依赖 (npm ci)…");
  const r = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
