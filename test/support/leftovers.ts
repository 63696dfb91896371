/**
 * Where a string is still stored: every table of the database (each row cast to text, so every
 * column counts, including tables added later) and every file under a folder. For the proofs
 * that a deleted person or community leaves nothing behind.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "../../db/client.ts";

export async function tablesContaining(db: Db, needle: string): Promise<string[]> {
  const tables = await db.$queryRaw<{ name: string }[]>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`;
  const found: string[] = [];
  for (const { name } of tables) {
    const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${name}" t WHERE strpos(t::text, $1) > 0`, needle);
    if (row && row.n > 0n) found.push(`${name} (${row.n})`);
  }
  return found;
}

export async function filesContaining(dir: string, needle: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.includes(needle) || (await readFile(p)).includes(Buffer.from(needle))) found.push(p);
    }
  };
  await walk(dir);
  return found;
}
