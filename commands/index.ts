/** Every command, in the order /帮助 lists them, and the registry built from them at boot. */
import { bindCommand } from "./community/bind.ts";
import { confirmCommand } from "./activities/confirm.ts";
import { linkCodeCommand, linkCommand } from "./community/link.ts";
import { claimCodeCommand, claimCommand } from "./community/claim.ts";
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
import { createRegistry, type Registry } from "./core/registry.ts";
import { type DispatchDeps, handleInbound as dispatch } from "./core/dispatch.ts";
import type { InboundMessage } from "../messages/messages.ts";
import type { InboundResult } from "../messages/queues.ts";
import { adminNotices } from "./community/admin-notices.ts";
import { privacyNotice } from "./privacy/notice.ts";
import { batchLines, recordBatch } from "./activities/batch.ts";
import { undoCommand } from "./activities/undo.ts";
import { photoCommand } from "./activities/photo.ts";
import { handlePictures } from "./activities/chat-photos.ts";
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
  photoCommand,
  listCommand,
  progressCommand,
  pairCommand,
  schoolCommand,
  memberCommand,
  linkCodeCommand,
  linkCommand,
  claimCodeCommand,
  claimCommand,
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

/** Throws at boot (module load) when two commands claim one name or alias. */
export const registry: Registry = createRegistry(COMMANDS, {
  adminNotice: adminNotices,
  senderNotice: privacyNotice,
  batch: { command: recordCommand, lines: batchLines, record: recordBatch },
  pictures: handlePictures,
});

export const findCommand = (name: string): AnyCommand | undefined => registry.find(name);

/** Dispatch with this command list handed to it (see DispatchDeps.registry). */
export function handleInbound(deps: Omit<DispatchDeps, "registry">, message: InboundMessage): Promise<InboundResult> {
  return dispatch({ ...deps, registry }, message);
}
