/** One form link's state: who it belongs to, and whether it was already used. */
import type { Db } from "../../db/client.ts";
import { registry } from "../../commands/index.ts";
import type { AnyCommand } from "../../commands/core/types.ts";
import type { SchoolInfo } from "../../commands/core/recognize.ts";
import { schoolsOf } from "../../db/schools.ts";
import { type FormLinkPayload, verifyLink } from "../../core/links/index.ts";
import { sourceKey } from "../../messages/messages.ts";

export interface FormContext {
  token: FormLinkPayload;
  /** The command the form submits (it has `webForm`). */
  command: AnyCommand & { webForm: { title: string } };
  messageId: string;
  sourceKey: string;
  community: { id: number; name: string; timezone: string; schools: SchoolInfo[] };
  member: { id: number; displayName: string; schoolName: string | undefined };
}

export type FormLoad = { ok: true; ctx: FormContext } | { ok: false; reason: "tampered" | "expired" | "gone" };

export async function loadForm(db: Db, secret: string, rawToken: string, now: Date): Promise<FormLoad> {
  const check = verifyLink(secret, rawToken, now, "f");
  if (!check.ok) return { ok: false, reason: check.reason === "expired" ? "expired" : "tampered" };
  const token = check.payload;
  const command = registry.find(token.cmd);
  if (!command?.webForm) return { ok: false, reason: "tampered" };
  const [community, schools, member] = await Promise.all([
    db.community.findUnique({ where: { id: token.c }, select: { id: true, name: true, timezone: true } }),
    schoolsOf(db, token.c),
    db.member.findUnique({ where: { id: token.m }, include: { school: true } }),
  ]);
  // The member may have been merged or removed since the link was made.
  if (!community || !member || member.communityId !== community.id) return { ok: false, reason: "gone" };
  const messageId = `form-${token.j}`;
  return {
    ok: true,
    ctx: {
      token,
      command: { ...command, webForm: command.webForm },
      messageId,
      sourceKey: sourceKey({ platform: token.p, chatId: token.ch, messageId }),
      community: { id: community.id, name: community.name, timezone: community.timezone, schools },
      member: { id: member.id, displayName: member.displayName, schoolName: member.school?.fullName },
    },
  };
}

/** The record this form already made, if it was submitted before. */
export async function recordOfForm(db: Db, ctx: FormContext) {
  return db.activity.findUnique({ where: { sourceMessageKey: ctx.sourceKey }, select: { number: true, kind: true, revokedAt: true } });
}
