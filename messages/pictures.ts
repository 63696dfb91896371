/**
 * The port through which pictures a message carries (InboundMessage.pictures) are fetched. Each
 * platform implements it in bot/ (WeCom: download and decrypt; DingTalk: exchange the download
 * code); app/ hands it to the inbound worker, which never sees a platform SDK. It needs no
 * platform connection, only HTTP and the app's credentials, so a worker-only process has one too.
 */
import type { Platform } from "./messages.ts";

/** What the adapter put on the message for one picture (a URL and key, a download code). */
export type PictureRef = Record<string, string>;

export interface PictureSource {
  /** The picture's bytes; throws PictureTooLarge past maxBytes, PictureUnavailable when the platform refuses. */
  fetch(platform: Platform, picture: PictureRef, maxBytes: number): Promise<Buffer>;
}

export class PictureTooLarge extends Error {
  override readonly name = "PictureTooLarge";
  constructor(readonly limit: number) {
    super(`picture larger than ${limit} bytes`);
  }
}

/** The platform would not give the picture (an expired link or code, a wrong key, no such picture). */
export class PictureUnavailable extends Error {
  override readonly name = "PictureUnavailable";
}
