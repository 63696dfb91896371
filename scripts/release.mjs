// `npm run release`: a versioned archive that runs without the npm registry or the dev toolchain:
// the compiled code (dist/), production dependencies only, the migrations, and a `./start` script
// (`./start` runs the bot with the same environment variables as `npm start`; `./start migrate`
// only migrates). Prints the archive's path as its last line. Node built-ins only.
//
// The Prisma client is generated TypeScript in generated/, compiled into dist/generated/, and with
// the pg driver adapter needs no engine binary at run time; the prisma CLI is not used at run time.
import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
const out = resolve(root, process.env.RELEASE_DIR ?? "release");
// What the running bot imports (tsconfig.build.json also compiles bench/ and test fakes: not shipped).
const CODE = ["app", "bot", "commands", "config", "core", "db", "generated", "messages", "reports", "web", "workers"];
const DOCS = ["README.md", ".env.example", "deploy", "docs"];

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...options });
  if (r.status !== 0) {
    console.error(`${command} ${args.join(" ")} 失败 (failed, exit ${r.status})`);
    process.exit(1);
  }
  return r;
}

function gitVersion() {
  const sha = spawnSync("git", ["rev-parse", "--short=10", "HEAD"], { cwd: root, encoding: "utf8" });
  if (sha.status !== 0) return "nogit";
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: root, encoding: "utf8" }).stdout.trim() !== "";
  return `g${sha.stdout.trim()}${dirty ? "-dirty" : ""}`;
}

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const version = `${pkg.version}-${gitVersion()}`;
const name = `jiaolian-${version}`;
const stage = join(out, name);
const archive = join(out, `${name}.tar.gz`);

console.error(`构建 ${name}…`);
run("npm", ["run", "build", "--silent"]);

rmSync(stage, { recursive: true, force: true });
mkdirSync(join(stage, "dist"), { recursive: true });
for (const dir of CODE) cpSync(join(root, "dist", dir), join(stage, "dist", dir), { recursive: true });
cpSync(join(root, "prisma", "migrations"), join(stage, "prisma", "migrations"), { recursive: true });
cpSync(join(root, "prisma", "schema.prisma"), join(stage, "prisma", "schema.prisma"));
for (const doc of DOCS) if (existsSync(join(root, doc))) cpSync(join(root, doc), join(stage, doc), { recursive: true });
cpSync(join(root, "package-lock.json"), join(stage, "package-lock.json"));
// The lockfile's dependency lists must match for `npm ci`; the scripts are the development
// checkout's (postinstall generates, prestart builds) and make no sense here.
writeFileSync(
  join(stage, "package.json"),
  `${JSON.stringify({ ...pkg, version, scripts: { start: "./start", migrate: "./start migrate", backup: "./start backup", restore: "./start restore" } }, null, 2)}\n`,
);
writeFileSync(join(stage, "VERSION"), `${version}\n`);

// Production dependencies from the lockfile, from the npm cache where it has them. No install
// scripts: the ones in this tree are optional (native speed-ups with pure-JS fallbacks).
run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: stage });
rmSync(join(stage, "node_modules", ".cache"), { recursive: true, force: true });

writeFileSync(
  join(stage, "start"),
  `#!/bin/sh
# 教联体助手 ${version}. ./start: run the bot (same environment variables as npm start; ROLE=gateway|worker|all).
# ./start migrate: create the database if missing, apply pending migrations, exit.
# ./start backup [folder] / ./start restore <folder>: see README「备份与恢复」.
# NODE=/path/to/node picks another Node.js; NODE_OPTIONS is passed through.
set -e
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
node=\${NODE:-node}
case "\${1:-}" in
  migrate) exec "$node" dist/app/migrate.js ;;
  backup | restore) exec "$node" dist/app/backup.js "$@" ;;
esac
exec "$node" --max-semi-space-size=4 --max-old-space-size=\${MAX_OLD_SPACE_MB:-160} dist/app/start.js
`,
);
chmodSync(join(stage, "start"), 0o755);

rmSync(archive, { force: true });
run("tar", ["-C", out, "-czf", archive, name]);
rmSync(stage, { recursive: true, force: true });
console.log(archive);
