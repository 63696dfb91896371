/**
 * A community's schools: the one query every list, parser and push uses (the message context's
 * SQL, db/message-context.ts, loads the same fields in the same order within its one round trip).
 * Order: core school first, then members, each by id.
 */
import type { Tx } from "./client.ts";
import type { ContextSchool } from "./message-context.ts";

const SCHOOL_FIELDS = { id: true, communityId: true, fullName: true, shortNames: true, role: true } as const;
const SCHOOL_ORDER = [{ role: "asc" }, { id: "asc" }] as const;

export type SchoolRow = ContextSchool & { communityId: number };

type Reader = Pick<Tx, "school">;

/** The schools of one community. */
export function schoolsOf(db: Reader, communityId: number): Promise<SchoolRow[]> {
  return db.school.findMany({ where: { communityId }, orderBy: [...SCHOOL_ORDER], select: SCHOOL_FIELDS });
}

/** The schools of several communities in one query (a district's pages, workbook and digest). */
export function schoolsOfMany(db: Reader, communityIds: readonly number[]): Promise<SchoolRow[]> {
  return db.school.findMany({ where: { communityId: { in: [...communityIds] } }, orderBy: [...SCHOOL_ORDER], select: SCHOOL_FIELDS });
}
