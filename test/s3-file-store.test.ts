/**
 * Shared file storage in S3-compatible object storage, against a real S3-protocol server on
 * loopback (test/support/own-s3.ts: s3rver behind a SigV4 check): large files go up as multipart
 * parts of at most PART_BYTES and come back in pieces, the same key twice writes nothing, a cut
 * upload leaves nothing, deletes say whether something went, photos on disk move in once, and a
 * wrong secret is refused by the server.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../config/logger.ts";
import { photoKey } from "../db/photos.ts";
import { PART_BYTES, S3FileStore, type S3Settings } from "../db/s3-file-store.ts";
import { migrateDiskPhotos } from "../web/forms/photo-migration.ts";
import { type OwnS3, startOwnS3 } from "./support/own-s3.ts";

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function collect(stream: Readable): Promise<{ data: Buffer; pieces: number[] }> {
  const parts: Buffer[] = [];
  for await (const p of stream) parts.push(p as Buffer);
  return { data: Buffer.concat(parts), pieces: parts.map((p) => p.length) };
}

describe("S3FileStore", () => {
  let s3: OwnS3;
  let settings: S3Settings;
  beforeAll(async () => {
    s3 = await startOwnS3();
    settings = s3.settings();
  });
  afterAll(async () => {
    await s3?.close();
  });
  const requestsFor = (key: string) => s3.seen.filter((r) => r.path === `/${s3.bucket}/${key}`);

  it("uploads a large file in parts through one client and streams it back in pieces through another", async () => {
    const key = `test/${randomUUID()}.bin`;
    const bytes = randomBytes(2 * PART_BYTES + 1_234_567); // about 11.2 MiB
    // Arrives in odd-sized pieces of 64 KiB or so, as a network stream does.
    async function* pieces() {
      for (let at = 0; at < bytes.length; at += 65_521) yield bytes.subarray(at, at + 65_521);
    }
    expect(await new S3FileStore(settings).put(key, "application/zip", pieces())).toEqual({ created: true, size: bytes.length });

    // The server saw three parts, none larger than one part: the whole file was never one request.
    const parts = requestsFor(key).filter((r) => r.method === "PUT" && r.query.has("partNumber"));
    expect(parts.map((r) => r.bytes)).toEqual([PART_BYTES, PART_BYTES, 1_234_567]);
    expect(requestsFor(key).some((r) => r.method === "PUT" && !r.query.has("partNumber"))).toBe(false);

    const opened = await new S3FileStore(settings).open(key);
    expect(opened?.size).toBe(bytes.length);
    expect(opened?.mimeType).toBe("application/zip");
    const got = await collect(opened?.stream as Readable);
    expect(got.data.equals(bytes)).toBe(true);
    // Read as it arrives: many socket-sized pieces, none near the file's size.
    expect(got.pieces.length).toBeGreaterThan(10);
    expect(Math.max(...got.pieces)).toBeLessThan(PART_BYTES);
  }, 60_000);

  it("a small file is one PUT with its type; the same key again writes nothing; delete says whether something went", async () => {
    const key = `photos/7/${randomUUID()}-0.png`;
    const photo = Buffer.concat([PNG_SIGNATURE, randomBytes(1000)]);
    const store = new S3FileStore(settings);
    expect(await store.put(key, "image/png", [photo])).toEqual({ created: true, size: photo.length });
    const res = await fetch(`${s3.endpoint}/${s3.bucket}/${key}`); // unsigned: refused by the front
    expect(res.status).toBe(403);
    const writes = () => requestsFor(key).filter((r) => r.method === "PUT" || r.method === "POST").length;
    expect(writes()).toBe(1);

    expect(await new S3FileStore(settings).put(key, "text/plain", [Buffer.from("another file")])).toEqual({ created: false, size: photo.length });
    expect(writes()).toBe(1);
    const opened = await store.open(key);
    expect(opened?.mimeType).toBe("image/png");
    expect((await collect(opened?.stream as Readable)).data.equals(photo)).toBe(true);

    expect(await store.has(key)).toBe(true);
    expect(await new S3FileStore(settings).delete(key)).toBe(true);
    expect(await store.has(key)).toBe(false);
    expect(await store.open(key)).toBeUndefined();
    expect(await store.delete(key)).toBe(false);
  });

  it("an upload cut off after its first part leaves no file and no parts behind", async () => {
    const key = `test/${randomUUID()}.bin`;
    async function* broken() {
      yield randomBytes(PART_BYTES + 10);
      yield randomBytes(PART_BYTES);
      throw new Error("upload cut off");
    }
    await expect(new S3FileStore(settings).put(key, "image/png", broken())).rejects.toThrow(/cut off/);
    expect(await new S3FileStore(settings).has(key)).toBe(false);
    // The multipart upload was aborted (DELETE ?uploadId=…), so the server keeps no parts of it.
    expect(requestsFor(key).some((r) => r.method === "DELETE" && r.query.has("uploadId"))).toBe(true);
  }, 30_000);

  it("a wrong secret is refused by the server", async () => {
    const before = s3.refused;
    const wrong = new S3FileStore({ ...settings, secretAccessKey: "not-the-secret" });
    await expect(wrong.put(`test/${randomUUID()}`, "text/plain", [Buffer.from("x")])).rejects.toThrow(/credentials|signature/i);
    expect(s3.refused).toBeGreaterThan(before);
  });

  it("photos an earlier version kept on disk move into the bucket once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "jl-old-photos-s3-"));
    const community = 900_000 + Math.floor(Math.random() * 99_999);
    const name = `${randomUUID()}-0.png`;
    const bytes = Buffer.concat([PNG_SIGNATURE, randomBytes(PART_BYTES + 100)]);
    await mkdir(join(dir, String(community)));
    await writeFile(join(dir, String(community), name), bytes);
    const store = new S3FileStore(settings);

    expect(await migrateDiskPhotos(store, dir, createLogger("silent"))).toBe(1);
    const opened = await new S3FileStore(settings).open(photoKey(community, name));
    expect(opened?.mimeType).toBe("image/png");
    expect((await collect(opened?.stream as Readable)).data.equals(bytes)).toBe(true);
    // Read from disk as a stream: two parts, not one buffer of the file.
    expect(requestsFor(photoKey(community, name)).filter((r) => r.query.has("partNumber")).length).toBe(2);
    expect(await migrateDiskPhotos(store, dir, createLogger("silent"))).toBe(0);
  }, 30_000);
});
