/**
 * Pictures people send the 智能机器人 (image messages in 1:1 chats, image items of mixed messages):
 * `image.url` is a download link "五分钟内有效，已加密" and `image.aeskey` its own key, "每个下载链接的
 * aeskey 唯一" (@wecom/aibot-node-sdk 1.0.7 dist/index.d.ts ImageContent; developer.work.weixin.qq.com
 * document/path/100719 接收消息). The file is AES-256-CBC with the base64-decoded key and the key's
 * first 16 bytes as IV, PKCS#7-padded to 32 bytes: the SDK's own decryptFile (as its
 * WSClient.downloadFile does), after our one size-limited fetch (bot/fetch-file.ts).
 */
import { decryptFile } from "@wecom/aibot-node-sdk";
import { PictureTooLarge, PictureUnavailable, type PictureRef } from "../../messages/pictures.ts";
import { FileRefused, FileTooLarge, fetchFile } from "../fetch-file.ts";

/** AES-CBC adds at most one 32-byte block of padding. */
const PADDING = 32;

export async function fetchWecomPicture(picture: PictureRef, maxBytes: number): Promise<Buffer> {
  const { url, aeskey } = picture;
  if (!url) throw new PictureUnavailable("wecom picture without a url");
  let encrypted: Buffer;
  try {
    encrypted = (await fetchFile(url, { maxBytes: maxBytes + PADDING, timeoutMs: 30_000, where: "wecom picture" })).bytes;
  } catch (e) {
    if (e instanceof FileTooLarge) throw new PictureTooLarge(maxBytes);
    if (e instanceof FileRefused) throw new PictureUnavailable(e.message);
    throw e;
  }
  // Without a key (not a long-connection message) the bytes are the picture itself.
  if (!aeskey) return encrypted;
  let plain: Buffer;
  try {
    plain = decryptFile(encrypted, aeskey);
  } catch (e) {
    throw new PictureUnavailable(`wecom picture not decrypted: ${(e as Error).message.slice(0, 120)}`);
  }
  if (plain.length > maxBytes) throw new PictureTooLarge(maxBytes);
  return plain;
}
