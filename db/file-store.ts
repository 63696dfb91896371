/**
 * Files any process on any host can serve (photos today; exports and others as they come):
 * stored in PostgreSQL, which every process already reaches, as 256 KiB bytea chunks under one
 * key. Written in one transaction, so a reader never sees half a file; read chunk by chunk, so
 * serving one never holds the whole file in memory. Unnamed statements only: this works through
 * PgBouncer's transaction mode too. Why chunks and not large objects: a large object is read
 * through a descriptor that lives only inside a transaction (no streaming across a pooler), and
 * large objects are not deleted with their row (they need vacuumlo).
 */
import { Readable } from "node:stream";
import type { Sql } from "./client.ts";

export const CHUNK_BYTES = 256 * 1024;

export interface StoredFile {
  mimeType: string;
  size: number;
  /** The bytes, fetched chunk by chunk as the consumer reads. */
  stream: Readable;
}

/** One interface for every kind of shared file storage (PostgreSQL, the default; S3-compatible, db/s3-file-store.ts). */
export interface FileStore {
  /** Stores the file unless the key exists already (same key, same file: a second submit writes nothing). */
  put(key: string, mimeType: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ created: boolean; size: number }>;
  /** Undefined when there is no such file. */
  open(key: string): Promise<StoredFile | undefined>;
  has(key: string): Promise<boolean>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Deletes every file whose key starts with the prefix (e.g. "photos/12/"); returns how many. */
  deleteUnder(prefix: string): Promise<number>;
  /** Every key under the prefix with when it was written (sweeps of files no row points to any more). */
  list(prefix: string): AsyncIterable<{ key: string; writtenAt: Date }>;
  /**
   * True when the bytes live outside PostgreSQL, so a deletion decided in a database transaction
   * is carried out after it (db/file-deletions.ts) and orphans are found by listing the store.
   */
  readonly outsideDatabase: boolean;
}

/** A LIKE pattern matching keys that start with the prefix (its own % and _ taken literally). */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Cuts a stream of arbitrary pieces into pieces of `bytes` (the last one shorter), holding at most one piece. */
export async function* rechunk(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, bytes = CHUNK_BYTES): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source) {
    let b = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (b.length > 0) {
      const take = Math.min(b.length, bytes - held);
      parts.push(b.subarray(0, take));
      held += take;
      b = b.subarray(take);
      if (held === bytes) {
        yield Buffer.concat(parts, held);
        parts = [];
        held = 0;
      }
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

export class PostgresFileStore implements FileStore {
  readonly outsideDatabase = false;
  constructor(private readonly sql: Sql) {}

  async put(key: string, mimeType: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ created: boolean; size: number }> {
    const client = await this.sql.connect();
    try {
      await client.query("BEGIN");
      const inserted = await client.query<{ id: number }>(`INSERT INTO "StoredFile" (key, "mimeType", size) VALUES ($1, $2, 0) ON CONFLICT (key) DO NOTHING RETURNING id`, [key, mimeType]);
      const id = inserted.rows[0]?.id;
      if (id === undefined) {
        await client.query("ROLLBACK");
        const size = await this.sql.query<{ size: number }>(`SELECT size FROM "StoredFile" WHERE key = $1`, [key]);
        return { created: false, size: size.rows[0]?.size ?? 0 };
      }
      let seq = 0;
      let size = 0;
      for await (const chunk of rechunk(source)) {
        await client.query(`INSERT INTO "StoredFileChunk" ("fileId", seq, data) VALUES ($1, $2, $3)`, [id, seq++, chunk]);
        size += chunk.length;
      }
      await client.query(`UPDATE "StoredFile" SET size = $2 WHERE id = $1`, [id, size]);
      await client.query("COMMIT");
      return { created: true, size };
    } catch (e) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  async open(key: string): Promise<StoredFile | undefined> {
    const found = await this.sql.query<{ id: number; mimeType: string; size: number; chunks: number }>(
      `SELECT f.id, f."mimeType", f.size, (SELECT count(*)::int FROM "StoredFileChunk" c WHERE c."fileId" = f.id) AS chunks FROM "StoredFile" f WHERE f.key = $1`,
      [key],
    );
    const file = found.rows[0];
    if (!file) return undefined;
    const sql = this.sql;
    let seq = 0;
    const stream = new Readable({
      // One chunk per read: memory stays at about one chunk per open file, whatever its size.
      read() {
        if (seq >= file.chunks) {
          this.push(null);
          return;
        }
        sql.query<{ data: Buffer }>(`SELECT data FROM "StoredFileChunk" WHERE "fileId" = $1 AND seq = $2`, [file.id, seq++]).then(
          (r) => {
            const data = r.rows[0]?.data;
            if (data) this.push(data);
            else this.destroy(new Error(`stored file ${key}: chunk ${seq - 1} missing`));
          },
          (e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))),
        );
      },
    });
    return { mimeType: file.mimeType, size: file.size, stream };
  }

  async has(key: string): Promise<boolean> {
    return ((await this.sql.query(`SELECT 1 FROM "StoredFile" WHERE key = $1`, [key])).rowCount ?? 0) > 0;
  }

  async delete(key: string): Promise<boolean> {
    // Chunks go with their file (ON DELETE CASCADE).
    return ((await this.sql.query(`DELETE FROM "StoredFile" WHERE key = $1`, [key])).rowCount ?? 0) > 0;
  }

  async deleteUnder(prefix: string): Promise<number> {
    return (await this.sql.query(`DELETE FROM "StoredFile" WHERE key LIKE $1`, [startsWith(prefix)])).rowCount ?? 0;
  }

  async *list(prefix: string): AsyncGenerator<{ key: string; writtenAt: Date }> {
    // Pages of 1000 by key (the unique index), so a long listing holds no transaction open.
    let after = "";
    for (;;) {
      const page = await this.sql.query<{ key: string; createdAt: Date }>(`SELECT key, "createdAt" FROM "StoredFile" WHERE key LIKE $1 AND key > $2 ORDER BY key LIMIT 1000`, [
        startsWith(prefix),
        after,
      ]);
      for (const row of page.rows) yield { key: row.key, writtenAt: row.createdAt };
      const last = page.rows.at(-1);
      if (!last || page.rows.length < 1000) return;
      after = last.key;
    }
  }
}
