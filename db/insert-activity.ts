/**
 * Records one activity: takes the community's next number under its row lock, inserts the
 * activity and its audit entry, in one statement (the hot path of every /记录).
 */
import type { ActivityRow, ActivityValues } from "./activity-values.ts";
import { statementName, type Sql } from "./client.ts";
import { fromDay } from "../core/dates.ts";

export interface NewActivity extends Omit<ActivityValues, "givingSchoolId" | "receiverSchoolIds"> {
  /** Named with 主讲校=: wins over everything. */
  givingSchoolId: number | null;
  /** The recorder's school: the giver when no named person (主讲/执教) is a member with a school. */
  recorderSchoolId: number | null;
  /** Decided by the caller (a visit kind, core/direction.ts): then givingSchoolId is taken as is. */
  receiverSchoolIds?: number[];
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

// The giver and receivers are worked out inside the statement (the member lookup for 主讲 names
// included) so that recording stays one round trip.
const INSERT_SQL = `
  WITH giver AS (
    SELECT COALESCE($14::int,
      (SELECT m."schoolId" FROM "Member" m
        WHERE m."communityId" = $1 AND m."schoolId" IS NOT NULL AND m."displayName" = ANY ($6::text[])
        ORDER BY array_position($6::text[], m."displayName"), m.id LIMIT 1),
      $15::int, $4::int) AS id
  ), seq AS (
    UPDATE "Community" SET "activitySeq" = "activitySeq" + 1 WHERE id = $1 RETURNING "activitySeq" AS number
  ), ins AS (
    INSERT INTO "Activity" ("communityId", number, kind, date, "hostSchoolId", "schoolIds", "givingSchoolId", "receiverSchoolIds", people, subject, title, headcount, notes, "recorderId", "sourceMessageKey", "createdAt", "updatedAt")
    SELECT $1, seq.number, $2, $3::date, $4::int, $5::int[], giver.id,
      COALESCE($16::int[], ARRAY(SELECT u.s FROM unnest(array_prepend($4::int, $5::int[])) WITH ORDINALITY AS u(s, o)
            WHERE u.s IS NOT NULL AND u.s IS DISTINCT FROM giver.id GROUP BY u.s ORDER BY min(u.o))),
      $6::text[], $7, $8, $9::int, $10, $11, $12, $13::timestamptz, $13::timestamptz
    FROM seq, giver
    RETURNING id, number, kind, date, "hostSchoolId", "schoolIds", "givingSchoolId", "receiverSchoolIds", people, subject, title, headcount, notes
  ), audit AS (
    INSERT INTO "AuditLog" ("communityId", "actorId", action, entity, "entityId", at, after)
    SELECT $1, $11, 'create', 'activity', ins.id, $13::timestamptz,
           jsonb_build_object('number', ins.number, 'kind', ins.kind, 'date', $3::text, 'hostSchoolId', ins."hostSchoolId", 'schoolIds', ins."schoolIds",
                              'givingSchoolId', ins."givingSchoolId", 'receiverSchoolIds', ins."receiverSchoolIds")
    FROM ins
  )
  SELECT id, number, kind, to_char(date, 'YYYY-MM-DD') AS day, "hostSchoolId", "schoolIds", "givingSchoolId", "receiverSchoolIds", people, subject, title, headcount, notes FROM ins`;

export async function insertActivity(sql: Sql, a: NewActivity): Promise<InsertedActivity> {
  const values = [
    a.communityId,
    a.kind,
    a.day,
    a.hostSchoolId,
    a.schoolIds,
    a.people,
    a.subject,
    a.title,
    a.headcount,
    a.notes,
    a.recorderId,
    a.sourceMessageKey,
    a.at,
    a.givingSchoolId,
    a.recorderSchoolId,
    a.receiverSchoolIds ?? null,
  ];
  const { rows } = await sql.query<Omit<InsertedActivity, "date"> & { day: string }>({ ...statementName(sql, "insert-activity"), text: INSERT_SQL, values });
  const row = rows[0];
  if (!row) throw new Error(`community ${a.communityId} not found while recording`);
  // DATE travels as text: pg would build a Date at the server process's local midnight.
  const { day, ...rest } = row;
  return { ...rest, date: fromDay(day) };
}
