/** Every command, in the order /帮助 lists them, and lookup by name or alias. */
import { closest } from "fastest-levenshtein";
import { bindCommand } from "./bind.ts";
import { confirmCommand } from "./confirm.ts";
import { linkCodeCommand, linkCommand } from "./link.ts";
import { notifyCommand } from "./notify.ts";
import { pushTargetCommand } from "./push-targets.ts";
import { editCommand } from "./edit.ts";
import { formCommand } from "./form.ts";
import { helpCommand } from "./help.ts";
import { districtCommand } from "./district.ts";
import { exportCommand } from "./export.ts";
import { listCommand } from "./list.ts";
import { memberCommand } from "./member.ts";
import { pairCommand } from "./pair.ts";
import { progressCommand } from "./progress.ts";
import { recordCommand } from "./record.ts";
import { schoolCommand } from "./school.ts";
import { semesterCommand } from "./semester.ts";
import { targetCommand } from "./target.ts";
import type { AnyCommand } from "./types.ts";
import { undoCommand } from "./undo.ts";
import { checkInCommand } from "./meetings/checkin.ts";
import { doneCommand } from "./meetings/done.ts";
import { meetingCommand } from "./meetings/meeting.ts";
import { minutesCommand } from "./meetings/minutes.ts";
import { settingsCommand } from "./meetings/settings.ts";
import { digestCommand } from "./digest.ts";

export const COMMANDS: readonly AnyCommand[] = [
  recordCommand,
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
