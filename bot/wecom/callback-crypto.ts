/**
 * WXBizMsgCrypt for the self-built app's callback (document/path/91144): the SHA1 signature
 * over token, timestamp, nonce and ciphertext, compared in constant time; AES-256-CBC with
 * PKCS#7 to 32 bytes (in @wecom/crypto); the receive id inside must be our corp id.
 */
import { timingSafeEqual } from "node:crypto";
import { decrypt, getSignature } from "@wecom/crypto";

export interface CallbackKeys {
  token: string;
  aesKey: string;
  corpId: string;
}

export class CallbackRefused extends Error {
  override readonly name = "CallbackRefused";
}

export function signatureMatches(keys: CallbackKeys, signature: string, timestamp: string, nonce: string, encrypted: string): boolean {
  const expected = Buffer.from(getSignature(keys.token, timestamp, nonce, encrypted), "utf8");
  const given = Buffer.from(signature.toLowerCase(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * How far a callback's timestamp may be from our clock. WeCom retries an unanswered callback
 * after 5 s, three times ("接收消息协议的说明", document/path/96466), so five minutes covers retries
 * and clock skew; a captured callback replayed later is refused before it is even decrypted.
 */
export const TIMESTAMP_WINDOW_S = 300;

export function timestampFresh(timestamp: string, nowMs: number): boolean {
  return /^\d{1,12}$/.test(timestamp) && Math.abs(nowMs / 1000 - Number(timestamp)) <= TIMESTAMP_WINDOW_S;
}

/** Verifies and decrypts; throws CallbackRefused for a stale timestamp, a wrong signature, bad ciphertext or another corp's message. */
export function openCallback(keys: CallbackKeys, q: { signature: string; timestamp: string; nonce: string }, encrypted: string, nowMs = Date.now()): string {
  if (!timestampFresh(q.timestamp, nowMs)) throw new CallbackRefused("stale timestamp");
  if (!signatureMatches(keys, q.signature, q.timestamp, q.nonce, encrypted)) throw new CallbackRefused("bad signature");
  let opened: { message: string; id: string };
  try {
    opened = decrypt(keys.aesKey, encrypted);
  } catch {
    throw new CallbackRefused("bad ciphertext");
  }
  if (opened.id !== keys.corpId) throw new CallbackRefused("receive id is not our corp");
  return opened.message;
}
