/**
 * Signed links to stored photos. One photo: the image itself. Several (one activity's photos in
 * a ledger row): a page that shows them all, each image behind its own signed link with the same
 * expiry. The token names the community and the files, so it opens nothing else.
 */
import { signToken } from "../../core/signed-token.ts";

export type PhotoToken = {
  c: number;
  /** One file: the image. */
  f?: string;
  /** Several files: a page showing them. */
  fs?: string[];
  exp: number;
};

export interface PhotoSigning {
  baseUrl: string;
  secret: string;
}

export function photoUrl(signing: PhotoSigning, communityId: number, files: readonly string[], exp: number): string {
  const payload: PhotoToken = files.length === 1 ? { c: communityId, f: files[0], exp } : { c: communityId, fs: [...files], exp };
  return `${signing.baseUrl}/p/${signToken(signing.secret, payload)}`;
}

/**
 * How long photo links written into a ledger stay valid. A ledger is kept and opened during an
 * inspection weeks or months after it was downloaded (seed 004 篇十五: inspection Nov–Dec for
 * the whole year's work), so the chat links' 24 h would leave it with dead links. Half a year
 * covers a term and its inspection; the file travels only to people the school gives it to.
 */
export const LEDGER_PHOTO_LINK_MS = 183 * 24 * 3_600_000;
