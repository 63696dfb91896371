/** Activities of the community a chat is bound to, as plain JSON (for /sim/activities, later exports). */
import type { Db } from "./client.ts";
import { schoolsOf } from "./schools.ts";
import { toDay } from "../core/dates.ts";

export interface ActivityJson {
  id: number;
  number: number;
  kind: string;
  date: string;
  hostSchool: string | null;
  schools: string[];
  /** The school that gave it, and the schools it was given to (issue 9). */
  givingSchool: string | null;
  receiverSchools: string[];
  subject: string | null;
  title: string | null;
  headcount: number | null;
  people: string[];
  notes: string | null;
  recordedBy: string;
  revoked: boolean;
}

export async function activitiesForChat(db: Db, platform: string, chatId: string, includeRevoked = false): Promise<ActivityJson[] | null> {
  const chat = await db.chatGroup.findUnique({ where: { platform_chatId: { platform, chatId } } });
  if (!chat) return null;
  const [schools, rows] = await Promise.all([
    schoolsOf(db, chat.communityId),
    db.activity.findMany({
      where: { communityId: chat.communityId, ...(includeRevoked ? {} : { revokedAt: null }) },
      orderBy: [{ date: "asc" }, { number: "asc" }],
      include: { recorder: { select: { displayName: true } } },
    }),
  ]);
  const name = new Map(schools.map((s) => [s.id, s.fullName]));
  return rows.map((a) => ({
    id: a.number,
    number: a.number,
    kind: a.kind,
    date: toDay(a.date),
    hostSchool: a.hostSchoolId === null ? null : (name.get(a.hostSchoolId) ?? null),
    schools: a.schoolIds.map((id) => name.get(id)).filter((n): n is string => n !== undefined),
    givingSchool: a.givingSchoolId === null ? null : (name.get(a.givingSchoolId) ?? null),
    receiverSchools: a.receiverSchoolIds.map((id) => name.get(id)).filter((n): n is string => n !== undefined),
    subject: a.subject,
    title: a.title,
    headcount: a.headcount,
    people: a.people,
    notes: a.notes,
    recordedBy: a.recorder.displayName,
    revoked: a.revokedAt !== null,
  }));
}
