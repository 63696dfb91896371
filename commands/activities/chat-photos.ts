/**
 * Pictures sent in a chat are a record's evidence (issue 25, deliverables 3 and 4), checked and
 * stored exactly like form photos: only real images (by their first bytes), at most 10 MB, EXIF,
 * XMP and GPS removed (refused when they cannot come off), in the shared file store, kept only
 * with the guardians' consent (PIPL 第28、31条; web/privacy/photo-consent.ts for the form).
 *
 * - A message that records (/记录, a recognised record line) with pictures: they go to that record.
 * - Pictures alone in a 1:1 chat (WeCom and DingTalk deliver them only there): to the record the
 *   message quotes (WeCom gives the quoted text: 「已记录 #12」), else to the sender's record of the
 *   last RECENT_RECORD_MS, else the bot asks which, with the sender's last three records as buttons.
 * - Consent: the form asks with a tick on every upload; in a chat the account says it once, by
 *   pressing the button offered with its first pictures (PlatformIdentity.photoConsentAt), and
 *   later pictures go straight to their record.
 *
 * Pictures that wait (for the choice or the consent) are stored already and held by a
 * HeldPicture row for HELD_MS; /照片 <编号> (the buttons) attaches them. Every picture has its own
 * key (`<message key>#<n>`, unique on both tables), so a redelivered message neither fetches nor
 * attaches it twice.
 */
import { createHash } from "node:crypto";
import type { Db } from "../../db/client.ts";
import { MAX_PHOTOS, photoName, sniffImage, storePhoto } from "../../db/photos.ts";
import { cleanPhoto } from "../../core/privacy/clean-photo.ts";
import { toDay } from "../../core/dates.ts";
import { sourceKey, type InboundMessage, type Reply } from "../../messages/messages.ts";
import { PictureTooLarge, PictureUnavailable } from "../../messages/pictures.ts";
import type { InboundResult } from "../../messages/queues.ts";
import { boundCommunityOf, soleCommunityOfSender } from "../core/context.ts";
import type { Evidence } from "../core/types.ts";
import { recordRest } from "./batch.ts";
import { attachedText, attachPhotos, PHOTOS_WANTED, photoCountOf, RECENT_RECORD_MS } from "./photo-rows.ts";
import { normalizeText, stripLeadingMentions } from "../../core/normalize.ts";

export { RECENT_RECORD_MS } from "./photo-rows.ts";

/** How long pictures wait for their sender's choice or consent (then the retention run drops them). */
export const HELD_MS = 30 * 60_000;
const MAX_PHOTO_MB = 10;
export const CHAT_PHOTO_MAX_BYTES = MAX_PHOTO_MB * 1024 * 1024;

export interface PicturesEnv {
  db: Db;
  now: Date;
  evidence: Evidence;
}

export const CONSENT_LABEL = "已取得同意，附上";
const CONSENT_NOTE = "照片中如有学生，须已取得监护人同意；点按钮即确认（以后你发的照片直接附上）";

interface Target {
  number: number;
  sourceMessageKey: string;
  kind: string;
  date: Date;
}

type Checked = { key: string; ok: true; fileName: string; mimeType: string; size: number } | { key: string; ok: false; reason: string };

/** The name a picture is stored under: a UUID-shaped hash of its key (photoName's form), so a redelivery writes the same file. */
function nameOf(pictureKey: string, type: NonNullable<ReturnType<typeof sniffImage>>): string {
  const h = createHash("sha256").update(pictureKey).digest("hex");
  return photoName(`${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`, 0, type);
}

/** Fetches, checks, strips and stores one picture; a refusal says why in one short line. */
async function checkPicture(env: PicturesEnv, message: InboundMessage, communityId: number, key: string, ref: Record<string, string>): Promise<Checked> {
  let bytes: Buffer;
  try {
    bytes = await env.evidence.pictures.fetch(message.platform, ref, CHAT_PHOTO_MAX_BYTES);
  } catch (e) {
    if (e instanceof PictureTooLarge) return { key, ok: false, reason: `超过${MAX_PHOTO_MB}MB` };
    if (!(e instanceof PictureUnavailable)) env.evidence.warn?.({ err: e instanceof Error ? e.message : String(e), platform: message.platform }, "chat picture not fetched");
    return { key, ok: false, reason: "没能从平台取到（可能已过期），请重新发送" };
  }
  const type = sniffImage(bytes);
  if (!type) return { key, ok: false, reason: "不是照片（只收 JPG、PNG、GIF、WebP、HEIC）" };
  const clean = await cleanPhoto(bytes).catch(() => ({ ok: false as const, reason: "" }));
  if (!clean.ok) return { key, ok: false, reason: "拍摄地点等信息无法去除（常见于 HEIC），请改用 JPG" };
  const fileName = nameOf(key, type);
  await storePhoto(env.evidence.files, communityId, fileName, clean.data);
  return { key, ok: true, fileName, mimeType: type.mime, size: clean.data.length };
}

const dayText = (d: Date) => {
  const [, m, day] = toDay(d).split("-").map(Number);
  return `${m}月${day}日`;
};

/**
 * The message's pictures handled, its replies extended. `result` is what the message's text
 * gave (null: the message is pictures alone).
 */
export async function handlePictures(env: PicturesEnv, message: InboundMessage, textResult: InboundResult | null): Promise<InboundResult> {
  let result = textResult;
  const refs = message.pictures ?? [];
  const alone = result === null;
  if (refs.length === 0) return result ?? { replies: [], duplicate: false };
  // Pictures alone in a group: nothing says which record (WeCom and DingTalk deliver them only 1:1).
  if (alone && message.chatType === "group") return { replies: [], duplicate: false };
  const { db } = env;
  const communityId = (await boundCommunityOf(db, message)) ?? (message.chatType === "direct" ? ((await soleCommunityOfSender(db, message))?.id ?? null) : null);
  const identity =
    communityId === null
      ? null
      : await db.platformIdentity.findUnique({
          where: { communityId_platform_userId: { communityId, platform: message.platform, userId: message.senderId } },
          include: { member: { select: { roles: true } } },
        });
  if (communityId === null || !identity) return alone ? say("还没有你的记录，照片没有保存。请先发 /记录，再发照片。") : (result ?? say(""));

  const key = sourceKey(message);
  let target: Target | null;
  let waiting = false;
  // 「/照片 12」 typed with pictures (WeCom mixed, DingTalk richText): they go to #12, the command's own answer is replaced.
  const named = result === null ? undefined : photoCommandNumber(message.text);
  if (result !== null && named !== undefined) {
    target = await db.activity
      .findFirst({ where: { communityId, number: named, revokedAt: null }, select: { number: true, sourceMessageKey: true, kind: true, date: true, recorderId: true } })
      .then((a) => (a && (a.recorderId === identity.memberId || isAdmin(identity)) ? a : null));
    if (!target) return result;
    result = { replies: [], duplicate: result.duplicate };
  } else if (result !== null) {
    target = await db.activity
      .findUnique({ where: { sourceMessageKey: key }, select: { number: true, sourceMessageKey: true, kind: true, date: true, communityId: true, revokedAt: true } })
      .then((a) => (a && a.communityId === communityId && !a.revokedAt ? a : null));
    // A message that was no record (a question asked back, a refusal, another command) keeps no pictures;
    // several records in one message: which one is asked.
    const several = target ? 0 : await db.activity.count({ where: { communityId, sourceMessageKey: { startsWith: `${key}#` } } });
    if (!target && several === 0) {
      // A record not made yet (the bot asked back, e.g. which school hosted it): the pictures wait for 「加照片」 under it.
      const first = stripLeadingMentions(normalizeText(message.text.split("\n")[0] ?? "")).text;
      if (recordRest(first) === null) return result;
      waiting = true;
    }
  } else {
    target = await quotedOrRecent(env, communityId, identity.memberId, message);
  }

  const consented = identity.photoConsentAt !== null;
  const shown = refs.slice(0, MAX_PHOTOS);
  const outcomes: Checked[] = [];
  for (const [i, ref] of shown.entries()) {
    const pictureKey = `${key}#${i}`;
    const done = await earlier(db, pictureKey);
    outcomes.push(done ?? (await checkPicture(env, message, communityId, pictureKey, ref)));
  }
  const ok = outcomes.filter((o): o is Extract<Checked, { ok: true }> => o.ok);
  const lines: string[] = [];
  const extra: Reply[] = [];
  const actions: NonNullable<Reply["actions"]> = [];
  if (ok.length > 0) {
    if (target && consented) {
      await attachPhotos(db, communityId, target.sourceMessageKey, ok, identity.photoConsentAt ?? env.now);
      await db.heldPicture.deleteMany({ where: { pictureKey: { in: ok.map((o) => o.key) } } });
      const count = await photoCountOf(db, target.sourceMessageKey);
      lines.push(alone || named !== undefined ? attachedText(target, ok.length, count) : `📷 已附照片 ${ok.length} 张。`);
    } else {
      const held = await hold(env, communityId, message, ok, target?.number ?? null);
      if (target) {
        lines.push(`📷 收到照片 ${ok.length} 张，还没附上：${CONSENT_NOTE}。`);
        actions.push({ label: CONSENT_LABEL, command: `/照片 ${target.number}` });
      } else if (waiting) {
        lines.push(`📷 照片 ${ok.length} 张先留着（30分钟）：记录完成后点「加照片」即附上。`);
      } else {
        const choices = await lastRecords(db, communityId, identity.memberId);
        if (choices.length === 0) {
          await db.heldPicture.deleteMany({ where: { id: { in: held } } });
          lines.push("还没有你的记录，照片没有保存。请先发 /记录，再发照片。");
        } else {
          const consent = consented ? "" : `\n${CONSENT_NOTE.replace("点按钮", "点选")}。`;
          extra.push({
            text: `📷 收到照片 ${ok.length} 张，附到哪条记录？\n点一条即附上（30分钟内有效）。${consent}`,
            actions: choices.map((c) => ({ label: `#${c.number} ${c.kind} ${dayText(c.date)}`, command: `/照片 ${c.number}` })),
          });
        }
      }
    }
  }
  const refused = outcomes.filter((o): o is Extract<Checked, { ok: false }> => !o.ok);
  for (const r of refused) lines.push(shown.length === 1 ? `⚠️ 照片没有保存：${r.reason}。` : `⚠️ 第${Number(r.key.split("#").pop()) + 1}张照片没有保存：${r.reason}。`);
  if (refs.length > MAX_PHOTOS) lines.push(`⚠️ 一条消息最多附 ${MAX_PHOTOS} 张照片，其余 ${refs.length - MAX_PHOTOS} 张没有保存。`);
  return merge(result, lines, actions, extra, alone && !target);
}

const isAdmin = (identity: { member: { roles: string[] } }) => identity.member.roles.includes("admin");

/** The record number of a typed 「/照片 12」 (or /附照片, /photo), else undefined. */
function photoCommandNumber(text: string): number | undefined {
  const m = /^\/?\s*(?:照片|附照片|photo)\s+#?(\d{1,7})\s*$/i.exec(stripLeadingMentions(normalizeText(text)).text);
  return m?.[1] ? Number(m[1]) : undefined;
}

function say(text: string): InboundResult {
  return { replies: text ? [{ text }] : [], duplicate: false };
}

/** The lines join the text's first reply (a record's reply), or stand alone for pictures alone. */
function merge(result: InboundResult | null, lines: string[], actions: NonNullable<Reply["actions"]>, extra: Reply[], asking: boolean): InboundResult {
  const replies = result ? [...result.replies] : [];
  const [first, ...rest] = replies;
  if (first && lines.length > 0) {
    // The consent button replaces the record's own 「加照片」 (the same command).
    const kept = (first.actions ?? []).filter((a) => !actions.some((b) => b.command === a.command));
    replies.splice(0, 1, { ...first, text: `${first.text}\n${lines.join("\n")}`, ...(actions.length ? { actions: [...actions, ...kept] } : {}) });
    return { ...(result ?? { duplicate: false }), replies: [...replies.slice(0, 1), ...rest, ...extra] };
  }
  const own: Reply[] = lines.length > 0 ? [{ text: lines.join("\n"), ...(actions.length ? { actions } : {}) }] : [];
  // Asking which record, the question goes first and the refusals (if any) after it.
  const out = asking ? [...extra, ...own] : [...own, ...extra];
  return { duplicate: result?.duplicate ?? false, replies: [...replies, ...out] };
}

/** A picture of this message handled by an earlier delivery: attached or held, not fetched again. */
async function earlier(db: Db, pictureKey: string): Promise<Checked | undefined> {
  const attached = await db.activityPhoto.findUnique({ where: { sourcePicture: pictureKey }, select: { fileName: true, mimeType: true, size: true } });
  if (attached) return { key: pictureKey, ok: true, ...attached };
  const held = await db.heldPicture.findUnique({ where: { pictureKey }, select: { fileName: true, mimeType: true, size: true } });
  return held ? { key: pictureKey, ok: true, ...held } : undefined;
}

async function hold(env: PicturesEnv, communityId: number, m: InboundMessage, pictures: Extract<Checked, { ok: true }>[], activityNumber: number | null): Promise<number[]> {
  const expiresAt = new Date(env.now.getTime() + HELD_MS);
  const ids: number[] = [];
  for (const p of pictures) {
    const row = await env.db.heldPicture.upsert({
      where: { pictureKey: p.key },
      create: { communityId, platform: m.platform, chatId: m.chatId, userId: m.senderId, pictureKey: p.key, activityNumber, fileName: p.fileName, mimeType: p.mimeType, size: p.size, expiresAt },
      update: {},
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}

/** The record a quoted 「已记录 #12」 names, else the sender's own record of the last few minutes. */
async function quotedOrRecent(env: PicturesEnv, communityId: number, memberId: number, m: InboundMessage): Promise<Target | null> {
  const select = { number: true, sourceMessageKey: true, kind: true, date: true } as const;
  const quoted = /#(\d{1,7})/.exec(m.quotedText ?? "")?.[1];
  if (quoted) {
    // Only the sender's own record: /照片 attaches only to what the sender may change.
    const a = await env.db.activity.findFirst({ where: { communityId, number: Number(quoted), recorderId: memberId, revokedAt: null }, select });
    if (a) return a;
  }
  const since = new Date(env.now.getTime() - RECENT_RECORD_MS);
  // 「加照片」 pressed on a record (photo.ts) says which, for the same few minutes.
  const wanted = await env.db.auditLog.findFirst({ where: { communityId, actorId: memberId, action: PHOTOS_WANTED, at: { gte: since } }, orderBy: { id: "desc" }, select: { entityId: true } });
  if (wanted?.entityId) {
    const a = await env.db.activity.findFirst({ where: { id: wanted.entityId, communityId, revokedAt: null }, select });
    if (a) return a;
  }
  return env.db.activity.findFirst({
    where: { communityId, recorderId: memberId, revokedAt: null, createdAt: { gte: since } },
    orderBy: [{ createdAt: "desc" }, { number: "desc" }],
    select,
  });
}

export async function lastRecords(db: Db, communityId: number, memberId: number): Promise<Target[]> {
  return db.activity.findMany({
    where: { communityId, recorderId: memberId, revokedAt: null },
    orderBy: [{ createdAt: "desc" }, { number: "desc" }],
    take: 3,
    select: { number: true, sourceMessageKey: true, kind: true, date: true },
  });
}
