/** The fields a person gives for an activity; stored, shown and echoed back the same everywhere. */
export interface ActivityValues {
  kind: string;
  hostSchoolId: number | null;
  schoolIds: number[];
  /** The school that gave it (whose teacher taught or led it). */
  givingSchoolId: number | null;
  /** The schools it was given to: host and participants other than the giver. */
  receiverSchoolIds: number[];
  people: string[];
  subject: string | null;
  title: string | null;
  headcount: number | null;
  notes: string | null;
}

/** A stored activity as replies and lists show it. */
export interface ActivityRow extends ActivityValues {
  number: number;
  date: Date;
}
