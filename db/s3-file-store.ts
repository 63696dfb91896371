/**
 * Shared files in S3-compatible object storage (AWS S3, MinIO, Ceph RGW, and the S3 endpoints of
 * Aliyun OSS, Tencent COS, Huawei OBS), the option beside PostgreSQL (db/file-store.ts).
 *
 * Client: `minio` (minio-js, MinIO's own S3 client), not `@aws-sdk/client-s3` + `@aws-sdk/lib-storage`:
 * one package with plain options for endpoint, region and path style, written for S3-compatible
 * servers rather than AWS first, and it exposes the multipart calls (initiate, upload part,
 * complete, abort), so this file cuts the stream itself and holds at most one part in memory
 * (lib-storage holds up to four parts at once by default; minio's own putObject reads a whole
 * stream into memory when it is under its 64 MiB part size).
 *
 * Writes: a file that fits in one part is one PUT; a larger one is a multipart upload of
 * PART_BYTES parts (S3's minimum part size, except the last), aborted when the source fails, so
 * nobody ever sees half a file. Put-if-absent: a HEAD first; two processes putting the same key
 * at the same moment may both write, which stores the same bytes (same key, same file).
 */
import type { Readable } from "node:stream";
import { Client, S3Error } from "minio";
import { type FileStore, rechunk, type StoredFile } from "./file-store.ts";

/** S3's smallest allowed part (all but the last one); also the most a write holds in memory. */
export const PART_BYTES = 5 * 1024 * 1024;

export interface S3Settings {
  /** e.g. https://s3.cn-north-1.amazonaws.com.cn, https://cos.ap-beijing.myqcloud.com, http://127.0.0.1:9000 */
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Bucket in the path (http://host/bucket/key) instead of the host name (http://bucket.host/key). */
  forcePathStyle: boolean;
}

export function s3Client(s: S3Settings): Client {
  const url = new URL(s.endpoint);
  const useSSL = url.protocol === "https:";
  return new Client({
    endPoint: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    region: s.region,
    accessKey: s.accessKeyId,
    secretKey: s.secretAccessKey,
    pathStyle: s.forcePathStyle,
  });
}

const NOT_FOUND = new Set(["NotFound", "NoSuchKey"]);
const isNotFound = (e: unknown) => e instanceof S3Error && NOT_FOUND.has(String(e.code));

export class S3FileStore implements FileStore {
  readonly outsideDatabase = true;
  private readonly client: Client;
  private readonly bucket: string;

  constructor(settings: S3Settings, client: Client = s3Client(settings)) {
    this.client = client;
    this.bucket = settings.bucket;
  }

  async put(key: string, mimeType: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ created: boolean; size: number }> {
    const existing = await this.stat(key);
    if (existing) return { created: false, size: existing.size };
    const headers = { "Content-Type": mimeType };
    const parts = rechunk(source, PART_BYTES)[Symbol.asyncIterator]();
    const first = await parts.next();
    const firstPart = first.done ? Buffer.alloc(0) : first.value;
    const second = first.done ? first : await parts.next();
    if (second.done) {
      await this.client.putObject(this.bucket, key, firstPart, firstPart.length, headers);
      return { created: true, size: firstPart.length };
    }
    const uploadID = await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
    try {
      const etags: { part: number; etag: string }[] = [];
      let size = 0;
      const send = async (data: Buffer) => {
        const partNumber = etags.length + 1;
        const { etag } = await this.client.uploadPart({ bucketName: this.bucket, objectName: key, uploadID, partNumber, headers: { "Content-Length": data.length } }, data);
        etags.push({ part: partNumber, etag });
        size += data.length;
      };
      await send(firstPart);
      await send(second.value);
      for (let next = await parts.next(); !next.done; next = await parts.next()) await send(next.value);
      await this.client.completeMultipartUpload(this.bucket, key, uploadID, etags);
      return { created: true, size };
    } catch (e) {
      // The parts uploaded so far would stay (and be billed) until a lifecycle rule removes them.
      await this.client.abortMultipartUpload(this.bucket, key, uploadID).catch(() => undefined);
      throw e;
    }
  }

  async open(key: string): Promise<StoredFile | undefined> {
    const found = await this.stat(key);
    if (!found) return undefined;
    try {
      // The HTTP response body itself: read as the consumer reads, in socket-sized pieces.
      const stream: Readable = await this.client.getObject(this.bucket, key);
      return { mimeType: found.mimeType, size: found.size, stream };
    } catch (e) {
      if (isNotFound(e)) return undefined; // deleted between the two requests
      throw e;
    }
  }

  async has(key: string): Promise<boolean> {
    return (await this.stat(key)) !== undefined;
  }

  async delete(key: string): Promise<boolean> {
    // S3 answers a DELETE of a missing key with success too: ask first, to say whether something went.
    if (!(await this.stat(key))) return false;
    await this.client.removeObject(this.bucket, key);
    return true;
  }

  async deleteUnder(prefix: string): Promise<number> {
    // Listed first, then deleted 1000 a request (S3's DeleteObjects limit, batched by the client).
    const keys: string[] = [];
    for await (const f of this.list(prefix)) keys.push(f.key);
    if (keys.length === 0) return 0;
    // The client returns only the keys the server refused (its removeObjectsParser keeps DeleteResult's Error entries).
    const failed = (await this.client.removeObjects(this.bucket, keys)).filter((r) => r != null);
    if (failed.length > 0) throw new Error(`S3 refused to delete ${failed.length} of ${keys.length} files under ${prefix}`);
    return keys.length;
  }

  /** Every key under the prefix with its time of writing (paged by the client, 1000 a request). */
  async *list(prefix: string): AsyncGenerator<{ key: string; writtenAt: Date }> {
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
      if (item.name) yield { key: item.name, writtenAt: item.lastModified };
    }
  }

  private async stat(key: string): Promise<{ size: number; mimeType: string } | undefined> {
    try {
      const s = await this.client.statObject(this.bucket, key);
      return { size: s.size, mimeType: String(s.metaData["content-type"] ?? "application/octet-stream") };
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
