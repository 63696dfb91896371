/**
 * What a term summary is written from: the ledger's records (by school name, as the document
 * names them), the progress report /进度 reads, and the few facts about the community's
 * leadership and meetings. Plain shapes, so the ledger's own types fit them as they are.
 */
import type { ProgressReport } from "../progress.ts";

export interface SummaryActivity {
  date: string; // YYYY-MM-DD
  /** Dated after today: a plan, not reported as done. */
  planned: boolean;
  kind: string;
  title: string | null;
  hostSchool: string | null;
  schools: readonly string[];
  givingSchool: string | null;
  receivers: readonly string[];
  people: readonly string[];
  subject: string | null;
  headcount: number | null;
  notes: string | null;
}

export interface SummaryPair {
  mentor: string;
  mentorSchool: string | null;
  mentee: string;
  menteeSchool: string | null;
  subject: string | null;
  /** Done, counted as /进度 counts a pair (linked, or naming both). */
  activities: number;
  planned: number;
}

export interface SummaryMeeting {
  startsAt: Date;
  place: string | null;
  agenda: string | null;
  cancelled: boolean;
  checkedIn: readonly string[];
  minutes: string | null;
}

export interface SummaryActionItem {
  owner: string | null;
  task: string;
  due: string | null;
  doneAt: Date | null;
}

/** A member with the admin or principal role: the leadership a summary names. */
export interface SummaryLeader {
  name: string;
  school: string | null;
  roles: readonly string[];
}

export interface SummarySchool {
  id: number;
  fullName: string;
  role: "core" | "member";
}

export interface SummaryInput {
  community: { name: string; timezone: string };
  schools: readonly SummarySchool[];
  /** One school's summary (a principal's): its full name; its activities are those it took part in. */
  focusSchool: string | null;
  termName: string;
  range: { from: string; to: string };
  /** YYYY-MM-DD in the community's timezone: the cut-off of everything counted. */
  today: string;
  activities: readonly SummaryActivity[];
  pairs: readonly SummaryPair[];
  meetings: readonly SummaryMeeting[];
  actionItems: readonly SummaryActionItem[];
  /** The same report /进度 shows (for a school's summary, only the items it is accountable for). */
  progress: ProgressReport;
  leaders: readonly SummaryLeader[];
  meetingRule: { text: string; place: string | null } | null;
  /** Meetings still to come this term (not cancelled), soonest first. */
  nextMeetings: readonly { startsAt: Date; place: string | null; agenda: string | null }[];
}

/** A block of the written summary: a paragraph, a sub-heading ("（一）…"), or the activity table. */
export type SummaryBlock = { type: "p"; text: string } | { type: "sub"; text: string } | { type: "table"; header: string[]; rows: string[][] };

export interface SummaryDoc {
  title: string;
  opening: string;
  sections: { heading: string; blocks: SummaryBlock[] }[];
  /** The closing lines, right-aligned: who writes it, and the date. */
  closing: [string, string];
}
