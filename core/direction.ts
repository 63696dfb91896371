/**
 * Who went where for the kinds where people travel to watch or learn (听评课, 参观学习, 挂职/跟岗).
 * There the 派出校 (giver) is the visiting school and the school visited is the receiver, as the
 * seed-002 targets count them (「成员校…赴对方学习」, mentees' 听课 at the partner school). The
 * teacher named with 执教= is the one watched, so their school says nothing about the visitor.
 */

/** The kinds whose 派出校 is the visiting side, with the words the reply uses. */
export const VISIT_KINDS: Readonly<Record<string, { went: string; role: string }>> = {
  听评课: { went: "赴对方听课", role: "听课方" },
  参观学习: { went: "赴对方学习", role: "学习方" },
  挂职: { went: "赴对方挂职", role: "挂职方" },
};

export const isVisitKind = (kind: string): boolean => Object.hasOwn(VISIT_KINDS, kind);

export interface VisitInput {
  hostSchoolId: number | null;
  schoolIds: readonly number[];
  /** The schools of the people named (主讲=/执教= members), in the order named. */
  peopleSchoolIds: readonly number[];
  /** Named with 主讲校=/听课校= or a route (「杨庄到县实小」): wins over everything. */
  namedGiverId: number | null;
  recorderSchoolId: number | null;
}

export interface VisitDirection {
  givingSchoolId: number | null;
  receiverSchoolIds: number[];
}

/**
 * The visitor and the visited for a visit kind:
 * - named: as named (the visited are the host and participants other than it);
 * - another school takes part (a participant, or the school of a person named who is not the
 *   host's): the recorder's school if among them, else the first; it visited the host;
 * - none, and the recorder's school is not the host: the recorder's school visited the host
 *   (a member school's coordinator writing 「听课 县实小 执教=县实小的老师」);
 * - otherwise inside the host school.
 */
export function visitDirection(v: VisitInput): VisitDirection {
  const host = v.hostSchoolId;
  if (v.namedGiverId !== null) return { givingSchoolId: v.namedGiverId, receiverSchoolIds: distinct([host, ...v.schoolIds]).filter((id) => id !== v.namedGiverId) };
  const others = distinct([...v.schoolIds, ...v.peopleSchoolIds]).filter((id) => id !== host);
  if (others.length > 0) {
    const visitor = v.recorderSchoolId !== null && others.includes(v.recorderSchoolId) ? v.recorderSchoolId : (others[0] as number);
    return { givingSchoolId: visitor, receiverSchoolIds: host === null ? others.filter((id) => id !== visitor) : [host] };
  }
  if (host !== null && v.recorderSchoolId !== null && v.recorderSchoolId !== host) return { givingSchoolId: v.recorderSchoolId, receiverSchoolIds: [host] };
  return { givingSchoolId: host ?? v.recorderSchoolId, receiverSchoolIds: [] };
}

const distinct = (ids: readonly (number | null)[]): number[] => [...new Set(ids)].filter((id): id is number => id !== null);
