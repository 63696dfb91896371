/** Every command, in the order /帮助 lists them, and lookup by name or alias. */
import { closest } from "fastest-levenshtein";
import { bindCommand } from "./community/bind.ts";
import { confirmCommand } from "./activities/confirm.ts";
import { linkCodeCommand, linkCommand } from "./community/link.ts";
import { notifyCommand } from "./community/notify.ts";
import { pushTargetCommand } from "./community/push-targets.ts";
import { editCommand } from "./activities/edit.ts";
import { formCommand } from "./activities/form.ts";
import { helpCommand } from "./core/help.ts";
import { districtCommand } from "./district/district.ts";
import { exportCommand } from "./exports/export.ts";
import { listCommand } from "./activities/list.ts";
import { memberCommand } from "./community/member.ts";
import { pairCommand } from "./community/pair.ts";
import { progressCommand } from "./progress/progress.ts";
import { recordCommand } from "./activities/record.ts";
import { importCommand } from "./activities/import.ts";
import { schoolCommand } from "./community/school.ts";
import { semesterCommand } from "./community/semester.ts";
import { targetCommand } from "./progress/target.ts";
import type { AnyCommand } from "./core/types.ts";
import { undoCommand } from "./activities/undo.ts";
import { checkInCommand } from "./meetings/checkin.ts";
import { doneCommand } from "./meetings/done.ts";
import { meetingCommand } from "./meetings/meeting.ts";
import { minutesCommand } from "./meetings/minutes.ts";
import { settingsCommand } from "./meetings/settings.ts";
import { digestCommand } from "./digest/digest.ts";
import { privacyCommand } from "./privacy/privacy.ts";
import { eraseSelfCommand } from "./privacy/erase-self.ts";
import { deleteMemberCommand } from "./privacy/delete-member.ts";
import { deleteCommunityCommand } from "./privacy/delete-community.ts";
import { myDataCommand } from "./privacy/my-data.ts";

export const COMMANDS: readonly AnyCommand[] = [
  recordCommand,
  importCommand,
  formCommand,
  confirmCommand,
  editCommand,
  undoCommand,
  listCommand,
  progressCommand,
  pairCommand,
  schoolCommand,
  memberCommand,
  linkCodeCommand,
  linkCommand,
  notifyCommand,
  pushTargetCommand,
  exportCommand,
  districtCommand,
  bindCommand,
  helpCommand,
  semesterCommand,
  targetCommand,
  // Joint meetings (issue 10)
  meetingCommand,
  checkInCommand,
  minutesCommand,
  doneCommand,
  settingsCommand,
  // Weekly digest (issue 11)
  digestCommand,
  // Personal data (issue 21)
  privacyCommand,
  myDataCommand,
  eraseSelfCommand,
  deleteMemberCommand,
  deleteCommunityCommand,
];

const byName = new Map<string, AnyCommand>();
for (const c of COMMANDS) for (const n of [c.name, ...c.aliases]) byName.set(n.toLowerCase(), c);

export function findCommand(name: string): AnyCommand | undefined {
  return byName.get(name.toLowerCase());
}

/** The command name closest to what was typed, for "did you mean". */
export function suggestCommand(name: string): AnyCommand | undefined {
  const guess = closest(name.toLowerCase(), [...byName.keys()]);
  return guess ? byName.get(guess) : undefined;
}
