/**
 * FILE_STORE=s3 end to end: a photo uploaded through one app is opened through another (each with
 * its own, empty PHOTO_DIR, as on two hosts), the bytes live in the bucket and not in PostgreSQL,
 * and a bucket that cannot be used with the settings stops the boot with a clear reason.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../app/app.ts";
import { StartupError } from "../app/preflight.ts";
import { boundGroup, startTestApp } from "./support/harness.ts";
import { freePort } from "./support/free-port.ts";
import { type OwnS3, startOwnS3 } from "./support/own-s3.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe("two processes, two hosts' disks, one bucket", () => {
  let s3: OwnS3;
  let uploader: App;
  let server: App;
  beforeAll(async () => {
    s3 = await startOwnS3();
    const secret = "z".repeat(40);
    uploader = await startTestApp({ ...s3.env(), FORM_SECRET: secret, PHOTO_DIR: await mkdtemp(join(tmpdir(), "jl-host-a-")) });
    server = await startTestApp({ ...s3.env(), FORM_SECRET: secret, PHOTO_DIR: await mkdtemp(join(tmpdir(), "jl-host-b-")) });
  }, 60_000);
  afterAll(async () => {
    await uploader?.close();
    await server?.close();
    await s3?.close();
  });

  it("a photo uploaded through one is opened through the other, from the bucket", async () => {
    const g = await boundGroup(uploader);
    const link = /https?:\/\/\S+\/f\/[A-Za-z0-9_.-]+/.exec(await g.says("/表单"))?.[0] ?? "";
    const photo = Buffer.concat([PNG_SIGNATURE, randomBytes(300_000)]);
    const fd = new FormData();
    for (const [k, v] of Object.entries({ kind: "示范课", date: "2026-11-20", host: "清涧县第二小学", subject: "语文", title: "分数的意义", headcount: "35" })) fd.append(k, v);
    fd.append("photos", new Blob([photo], { type: "image/png" }), "课堂.png");
    fd.append("photoConsent", "1");
    const html = await (await fetch(link, { method: "POST", body: fd })).text();
    expect(html).toMatch(/已记录 #1/);
    const url = (/src="([^"]+\/p\/[^"]+)"/.exec(html)?.[1] ?? "").replace(/&amp;/g, "&");

    const res = await fetch(url.replace(uploader.url, server.url));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);

    const community = await uploader.db.community.findFirstOrThrow({ where: { name: g.community } });
    const prefix = `/${s3.bucket}/photos/${community.id}/`;
    expect(s3.seen.filter((r) => r.method === "PUT" && r.path.startsWith(prefix)).map((r) => r.bytes)).toEqual([photo.length]);
    expect(s3.seen.some((r) => r.method === "GET" && r.path.startsWith(prefix))).toBe(true);
    const rows = await uploader.db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "StoredFile" WHERE key LIKE ${`photos/${community.id}/%`}`;
    expect(rows[0]?.n).toBe(0);
  }, 60_000);
});

describe("boot check of the bucket", () => {
  let s3: OwnS3;
  beforeAll(async () => {
    s3 = await startOwnS3();
  });
  afterAll(async () => {
    await s3?.close();
  });

  const refusal = async (overrides: Record<string, string>): Promise<StartupError> => {
    const e: unknown = await startTestApp({ ...s3.env(), ...overrides }).then(
      async (app) => {
        await app.close();
        return undefined;
      },
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(StartupError);
    return e as StartupError;
  };

  it("a wrong secret is refused at boot, without printing it", async () => {
    const refusedBefore = s3.refused;
    const e = await refusal({ S3_SECRET_ACCESS_KEY: "wrong-secret-4711" });
    expect(e.message).toMatch(/访问对象存储失败[\s\S]*密钥被拒绝[\s\S]*S3_SECRET_ACCESS_KEY/);
    expect(e.message).toMatch(/credentials were refused/);
    expect(e.message).not.toContain("wrong-secret-4711");
    expect(s3.refused).toBeGreaterThan(refusedBefore);
  }, 30_000);

  it("a bucket that does not exist, or an endpoint nobody answers at, is named", async () => {
    expect((await refusal({ S3_BUCKET: "no-such-bucket" })).message).toMatch(/没有桶 no-such-bucket/);
    const nobody = `http://127.0.0.1:${await freePort()}`;
    expect((await refusal({ S3_ENDPOINT: nobody })).message).toMatch(new RegExp(`访问对象存储失败（尝试了 ${nobody.replace(/\./g, "\\.")}`));
  }, 60_000);
});
