/**
 * Records one activity: takes the community's next number under its row lock, inserts the
 * activity and its audit entry, in one statement (the hot path of every /记录).
 */
import type { ActivityRow, ActivityValues } from "./activity-values.ts";
import type { Sql } from "./client.ts";

export interface NewActivity extends ActivityValues {
  communityId: number;
  recorderId: number;
  day: string; // YYYY-MM-DD
  sourceMessageKey: string;
  /** The injected clock's now: createdAt decides the 7-day edit window, so it must not come from the database's now(). */
  at: Date;
}

export interface InsertedActivity extends ActivityRow {
  id: number;
}

const INSERT_SQL = `
  WITH seq AS (
    UPDATE "Community" SET "activitySeq" = "activitySeq" + 1 WHERE id = $1 RETURNING "activitySeq" AS number
  ), ins AS (
    INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "schoolIds", people, subject, title, headcount, notes, "recorderId", "sourceMessageKey", "createdAt", "updatedAt")
    SELECT $1, seq.number, $2, $3::date, $4::int, $5::int[], $6::text[], $7, $8, $9::int, $10, $11, $12, $13::timestamptz, $13::timestamptz
    FROM seq
    RETURNING id, number, kind, date, "hostSchoolId", "schoolIds", people, subject, title, headcount, notes
  ), audit AS (
    INSERT INTO "AuditLog" ("communityId", "actorId", action, entity, "entityId", at, after)
    SELECT $1, $11, 'create', 'activity', ins.id, $13::timestamptz,
           jsonb_build_object('number', ins.number, 'kind', ins.kind, 'date', $3::text, 'hostSchoolId', ins."hostSchoolId", 'schoolIds', ins."schoolIds")
    FROM ins
  )
  SELECT id, number, kind, to_char(date, 'YYYY-MM-DD') AS day, "hostSchoolId", "schoolIds", people, subject, title, headcount, notes FROM ins`;

export async function insertActivity(sql: Sql, a: NewActivity): Promise<InsertedActivity> {
  const values = [a.communityId, a.kind, a.day, a.hostSchoolId, a.schoolIds, a.people, a.subject, a.title, a.headcount, a.notes, a.recorderId, a.sourceMessageKey, a.at];
  const { rows } = await sql.query<Omit<InsertedActivity, "date"> & { day: string }>({ name: "insert-activity", text: INSERT_SQL, values });
  const row = rows[0];
  if (!row) throw new Error(`community ${a.communityId} not found while recording`);
  // DATE travels as text: pg would build a Date at the server process's local midnight.
  const { day, ...rest } = row;
  return { ...rest, date: new Date(`${day}T00:00:00Z`) };
}
