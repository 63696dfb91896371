/**
 * Replacing a deleted person's name and account ids wherever the community's own text carries
 * them (record people, titles, notes, minutes, action items, audit entries, stored replies,
 * queued push payloads…). Found from information_schema rather than listed by hand, so a table
 * added later is scrubbed too: every text, text[] and jsonb column of every table with a
 * "communityId" column, except the ones that name other things (schools, webhooks) or other
 * people (members, identities: handled by the caller).
 */
import type { Tx } from "../client.ts";

/** Columns never rewritten: they name schools, groups, robots, or other members. */
const SKIP_TABLES = new Set(["Member", "PlatformIdentity", "School", "ChatGroup", "Community", "_prisma_migrations"]);
const SKIP_COLUMNS = new Set(["PushTarget.url", "PushTarget.secret", "PushTarget.platform", "Target.kind", "Target.per", "Target.side"]);

interface TextColumn {
  table: string;
  column: string;
  type: "text" | "array" | "json";
}

async function communityTextColumns(tx: Tx): Promise<TextColumn[]> {
  const rows = await tx.$queryRaw<{ table: string; column: string; data_type: string; udt_name: string }[]>`
    SELECT c.table_name AS "table", c.column_name AS "column", c.data_type, c.udt_name
    FROM information_schema.columns c
    WHERE c.table_schema = current_schema()
      AND c.table_name IN (SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'communityId')
      AND (c.data_type IN ('text', 'character varying', 'jsonb', 'json') OR (c.data_type = 'ARRAY' AND c.udt_name IN ('_text', '_varchar')))`;
  return rows
    .filter((r) => !SKIP_TABLES.has(r.table) && !SKIP_COLUMNS.has(`${r.table}.${r.column}`))
    .map((r) => ({ table: r.table, column: r.column, type: r.data_type === "ARRAY" ? "array" : r.data_type.startsWith("json") ? "json" : "text" }));
}

function partUpdate(col: TextColumn, r: Replacement): { sql: string; values: string[] } {
  const c = ident(col.column);
  const set =
    col.type === "text"
      ? `${c} = replace(${c}, $2, $3)`
      : col.type === "array"
        ? `${c} = ARRAY(SELECT replace(x, $2, $3) FROM unnest(${c}) WITH ORDINALITY AS t(x, i) ORDER BY i)`
        : `${c} = replace(${c}::text, $2, $3)::jsonb`;
  const values = col.type === "json" ? [inJson(r.from), inJson(r.to)] : [r.from, r.to];
  return { sql: `UPDATE ${ident(col.table)} SET ${set} WHERE "communityId" = $1 AND strpos(${c}::text, $2) > 0`, values };
}

function wholeUpdate(col: TextColumn, r: Replacement): { sql: string; values: string[] } {
  const c = ident(col.column);
  const t = ident(col.table);
  if (col.type === "text") return { sql: `UPDATE ${t} SET ${c} = $3 WHERE "communityId" = $1 AND ${c} = $2`, values: [r.from, r.to] };
  if (col.type === "array") return { sql: `UPDATE ${t} SET ${c} = array_replace(${c}, $2, $3) WHERE "communityId" = $1 AND $2 = ANY(${c})`, values: [r.from, r.to] };
  // As a JSON string: with its quotes.
  const quoted = [JSON.stringify(r.from), JSON.stringify(r.to)];
  return { sql: `UPDATE ${t} SET ${c} = replace(${c}::text, $2, $3)::jsonb WHERE "communityId" = $1 AND strpos(${c}::text, $2) > 0`, values: quoted };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A string as it appears inside JSON text (quotes and backslashes escaped), without the outer quotes. */
const inJson = (s: string) => JSON.stringify(s).slice(1, -1);

/**
 * `from` replaced by `to`: inside any text, or with `whole` only where it is the whole value (a
 * text column, an array item, a JSON string), so a short user id "u1" is not found inside "u12".
 */
export interface Replacement {
  from: string;
  to: string;
  whole?: boolean;
}

/** Replaces each `from` by its `to` in the community's text (see the header and Replacement). */
export async function scrubCommunityText(tx: Tx, communityId: number, replacements: readonly Replacement[]): Promise<number> {
  const wanted = replacements.filter((r) => r.from.length > 0 && r.from !== r.to);
  if (wanted.length === 0) return 0;
  let changed = 0;
  for (const col of await communityTextColumns(tx)) {
    for (const r of wanted) {
      const { sql, values } = r.whole ? wholeUpdate(col, r) : partUpdate(col, r);
      changed += await tx.$executeRawUnsafe(sql, communityId, ...values);
    }
  }
  return changed;
}
