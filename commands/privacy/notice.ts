/**
 * The privacy notice (PIPL 第17条), told once per platform account in each community: with the
 * first reply that follows keeping something about the person (an account the bot had not seen,
 * or one that existed before the notice did). Marking it told is one conditional UPDATE, so two
 * messages processed at once still tell it once.
 */
import type { Tx } from "../../db/client.ts";
import { noticeLine, PRIVACY_PATH } from "../../core/privacy/statement.ts";
import type { InboundMessage, Reply } from "../../messages/messages.ts";
import type { CommandSettings } from "../core/types.ts";

type Writer = Pick<Tx, "platformIdentity">;

export const privacyPageUrl = (settings: CommandSettings): string | undefined => (settings.forms ? `${settings.forms.baseUrl}${PRIVACY_PATH}` : undefined);

/** The notice as a reply when this account in this community has not been told yet (and marks it told). */
export async function tellOnce(db: Writer, communityId: number, m: InboundMessage, settings: CommandSettings, now: Date): Promise<Reply | null> {
  const told = await db.platformIdentity.updateMany({ where: { communityId, platform: m.platform, userId: m.senderId, noticedAt: null }, data: { noticedAt: now } });
  return told.count > 0 ? { text: noticeLine(privacyPageUrl(settings)) } : null;
}

/** The notice after a command's replies (RegistryHooks.senderNotice); not after /隐私, which has just shown the whole statement. */
export async function privacyNotice(db: Writer, communityId: number, m: InboundMessage, settings: CommandSettings, now: Date, command: string): Promise<Reply | null> {
  if (command === "隐私") {
    // Told all the same: the statement shown is the notice.
    await tellOnce(db, communityId, m, settings, now);
    return null;
  }
  return tellOnce(db, communityId, m, settings, now);
}
