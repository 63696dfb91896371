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

/** Verifies and decrypts; throws CallbackRefused for a wrong signature, bad ciphertext or another corp's message. */
export function openCallback(keys: CallbackKeys, q: { signature: string; timestamp: string; nonce: string }, encrypted: string): string {
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
