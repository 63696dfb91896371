/**
 * `npm run backup [folder]` / `./start backup [folder]`: everything the bot keeps, in one new
 * folder: the database (pg_dump custom format, online, no locks), the photo folder and the spool
 * folder (tar.gz each), and a manifest with each file's SHA-256. Prints the folder as its last line.
 *
 * `npm run restore <folder>` / `./start restore <folder>`: into an EMPTY database (created when
 * missing) and empty or missing photo/spool folders only, after checking every checksum; anything
 * else is refused before a byte is written, so a restore can never mix two states.
 *
 * Uses PostgreSQL's own pg_dump/pg_restore (same major version as the server, or newer) and tar.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import pg from "pg";
import { loadEnv } from "../config/env.ts";
import { maskUrl } from "../config/logger.ts";
import { ensureDatabase } from "../db/migrate.ts";

export class BackupError extends Error {
  override readonly name = "BackupError";
}

interface Manifest {
  format: 1;
  createdAt: string;
  database: string;
  files: Record<string, { sha256: string; bytes: number; from?: string }>;
}

const DUMP = "database.dump";
const PHOTOS = "photos.tar.gz";
const SPOOL = "spool.tar.gz";

function run(command: string, args: string[], what: string): void {
  const r = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  if (r.error) throw new BackupError(`${what}失败：找不到 ${command}（${(r.error as NodeJS.ErrnoException).code}）。请安装 PostgreSQL 客户端（apt-get install postgresql-client）。`);
  if (r.status !== 0) throw new BackupError(`${what}失败（${command} 退出码 ${r.status}）：${r.stderr.trim().split("\n").slice(-3).join(" ")}`);
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const isEmptyDir = (path: string) => !existsSync(path) || readdirSync(path).length === 0;

/** libpq takes the URL itself; passing it as an argument keeps it out of the environment of children we do not start. */
export function backup(raw: NodeJS.ProcessEnv, into: string): string {
  const env = loadEnv(raw);
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const folder = resolve(into, `jiaolian-backup-${stamp}`);
  if (existsSync(folder)) throw new BackupError(`备份目录已存在：${folder}`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const files: Manifest["files"] = {};
  run("pg_dump", ["--format=custom", "--no-owner", "--no-privileges", `--file=${join(folder, DUMP)}`, `--dbname=${env.DATABASE_URL}`], "备份数据库");
  files[DUMP] = { sha256: sha256(join(folder, DUMP)), bytes: statSync(join(folder, DUMP)).size };
  for (const [name, dir] of [
    [PHOTOS, env.PHOTO_DIR],
    [SPOOL, env.SPOOL_DIR],
  ] as const) {
    const source = resolve(dir);
    // A folder that was never created (no photo uploaded yet) is backed up as an empty archive.
    if (existsSync(source)) run("tar", ["-C", source, "-czf", join(folder, name), "."], `打包 ${source} `);
    else run("tar", ["-czf", join(folder, name), "--files-from=/dev/null"], `打包 ${source} `);
    files[name] = { sha256: sha256(join(folder, name)), bytes: statSync(join(folder, name)).size, from: source };
  }
  const manifest: Manifest = { format: 1, createdAt: new Date().toISOString(), database: maskUrl(env.DATABASE_URL), files };
  writeFileSync(join(folder, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return folder;
}

async function databaseIsEmpty(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')",
    );
    return Number(rows[0]?.n ?? 0) === 0;
  } finally {
    await client.end();
  }
}

export async function restore(raw: NodeJS.ProcessEnv, from: string): Promise<void> {
  const env = loadEnv(raw);
  const folder = resolve(from);
  const manifestPath = join(folder, "manifest.json");
  if (!existsSync(manifestPath))
    throw new BackupError(`不是备份目录（没有 manifest.json）：${folder}。用法：npm run restore <备份目录>，例如 npm run restore /backup/jiaolian-backup-20261201T020000Z`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  } catch {
    throw new BackupError(`manifest.json 无法读取：${manifestPath}`);
  }
  if (manifest.format !== 1 || !manifest.files?.[DUMP]) throw new BackupError(`不认识的备份格式：${manifestPath}`);
  for (const [name, meta] of Object.entries(manifest.files)) {
    const path = join(folder, name);
    if (!existsSync(path)) throw new BackupError(`备份不完整：缺少 ${name}`);
    if (sha256(path) !== meta.sha256) throw new BackupError(`备份文件已损坏（校验和不符）：${name}`);
  }
  const photoDir = resolve(env.PHOTO_DIR);
  const spoolDir = resolve(env.SPOOL_DIR);
  for (const dir of [photoDir, spoolDir]) if (!isEmptyDir(dir)) throw new BackupError(`目标目录不是空的：${dir}。只能恢复到空目录（请换一个目录，或确认后自己清空）。`);
  await ensureDatabase(env.DATABASE_URL);
  if (!(await databaseIsEmpty(env.DATABASE_URL)))
    throw new BackupError(`目标数据库不是空的：${maskUrl(env.DATABASE_URL)}。只能恢复到空库（例如 createdb jiaolian_restored，再把 DATABASE_URL 指向它）。`);
  run("pg_restore", ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", `--dbname=${env.DATABASE_URL}`, join(folder, DUMP)], "恢复数据库");
  for (const [name, dir] of [
    [PHOTOS, photoDir],
    [SPOOL, spoolDir],
  ] as const) {
    if (!manifest.files[name]) continue;
    mkdirSync(dir, { recursive: true });
    run("tar", ["-C", dir, "-xzf", join(folder, name)], `解包到 ${dir} `);
  }
}

async function main(): Promise<void> {
  const [command, path] = process.argv.slice(2);
  if (command === "backup") {
    console.log(backup(process.env, path ?? process.env.BACKUP_DIR ?? "backups"));
  } else if (command === "restore" && path) {
    await restore(process.env, path);
    console.log(`已从 ${resolve(path)} 恢复：数据库 ${maskUrl(loadEnv().DATABASE_URL)}、照片 ${resolve(loadEnv().PHOTO_DIR)}、暂存 ${resolve(loadEnv().SPOOL_DIR)}`);
  } else {
    throw new BackupError("用法：backup [目录]（默认 ./backups 或 BACKUP_DIR），restore <备份目录>");
  }
}

if (process.argv[1] && /[/\\]backup\.(ts|js)$/.test(process.argv[1])) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof BackupError || (e instanceof Error && e.message.startsWith("配置有误")) ? (e as Error).message : `备份/恢复失败：${e instanceof Error ? e.message : String(e)}`);
      process.exit(1);
    },
  );
}
