/**
 * Backups of everything the bot keeps: a community's records in PostgreSQL, the photo folder and
 * the spool folder, restored into an empty database and empty folders that a new bot then serves.
 * A restore that would mix two states (database or folder not empty, a damaged file) is refused
 * before anything is written.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { backup, restore } from "../app/backup.ts";
import { useCleanup } from "./support/cleanup.ts";
import { TEST_DATABASE_URL } from "./support/env.ts";
import { boundGroup, get } from "./support/harness.ts";
import { ownDatabase } from "./support/own-database.ts";
import { ownDatabaseUrl } from "./support/own-database-name.ts";

const { app } = useCleanup();
const tmp = () => mkdtempSync(join(tmpdir(), "jl-backup-"));
const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

describe("backup and restore", () => {
  it("restores records, photos and the spool into an empty database and folders", async () => {
    const source = { DATABASE_URL: await ownDatabase("backup_src"), PHOTO_DIR: tmp(), SPOOL_DIR: tmp() };
    const a = await app(source);
    const g = await boundGroup(a);
    await g.says("/记录 示范课 11月20日 二小 数学 《分数的意义》 32人");
    mkdirSync(join(source.PHOTO_DIR, "ab"), { recursive: true });
    writeFileSync(join(source.PHOTO_DIR, "ab", "photo.png"), PNG);
    mkdirSync(join(source.SPOOL_DIR, "jiaolian", "dingtalk"), { recursive: true });
    writeFileSync(join(source.SPOOL_DIR, "jiaolian", "dingtalk", "m1.json"), '{"messageId":"m1"}');
    await a.close();

    const folder = backup(source, tmp());
    expect(Object.keys(JSON.parse(readFileSync(join(folder, "manifest.json"), "utf8")).files).sort()).toEqual(["database.dump", "photos.tar.gz", "spool.tar.gz"]);

    const target = { DATABASE_URL: ownDatabaseUrl(inject("testRunId"), "backup_dst"), PHOTO_DIR: join(tmp(), "photos"), SPOOL_DIR: join(tmp(), "spool") };
    await restore(target, folder);
    expect(readFileSync(join(target.PHOTO_DIR, "ab", "photo.png"))).toEqual(PNG);
    expect(readFileSync(join(target.SPOOL_DIR, "jiaolian", "dingtalk", "m1.json"), "utf8")).toBe('{"messageId":"m1"}');

    const b = await app(target);
    const restored = await get<{ activities: Record<string, unknown>[] }>(b, `/sim/activities?chatId=${encodeURIComponent(g.chatId)}`);
    expect(restored.body.activities).toMatchObject([{ kind: "示范课", subject: "数学", title: "分数的意义", headcount: 32 }]);

    // Again into the same, now filled database: refused, nothing changes.
    await expect(restore({ ...target, PHOTO_DIR: join(tmp(), "p"), SPOOL_DIR: join(tmp(), "s") }, folder)).rejects.toThrow(/目标数据库不是空的/);
  }, 120_000);

  it("refuses a folder that is not empty, a damaged file and a folder that is no backup, before writing anything", async () => {
    const source = { DATABASE_URL: await ownDatabase("backup_small"), PHOTO_DIR: join(tmp(), "none"), SPOOL_DIR: join(tmp(), "none") };
    const folder = backup(source, tmp());
    const busy = tmp();
    writeFileSync(join(busy, "keep.png"), PNG);
    const target = { DATABASE_URL: ownDatabaseUrl(inject("testRunId"), "backup_busy"), PHOTO_DIR: busy, SPOOL_DIR: join(tmp(), "s") };
    await expect(restore(target, folder)).rejects.toThrow(`目标目录不是空的：${busy}`);
    expect(readFileSync(join(busy, "keep.png"))).toEqual(PNG);

    writeFileSync(join(folder, "spool.tar.gz"), "not the archive");
    await expect(restore({ ...target, PHOTO_DIR: join(tmp(), "p") }, folder)).rejects.toThrow("备份文件已损坏（校验和不符）：spool.tar.gz");
    await expect(restore(target, tmp())).rejects.toThrow(/不是备份目录（没有 manifest.json）[\s\S]*npm run restore/);
  }, 120_000);

  it("the command line says how to use it and exits non-zero on a bad call", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", join(import.meta.dirname, "../app/backup.ts"), "restore"], {
      encoding: "utf8",
      env: { ...process.env, DATABASE_URL: TEST_DATABASE_URL },
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("用法：backup [目录]");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
