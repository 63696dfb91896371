/**
 * Photos uploaded with a form: only real images (checked by their first bytes, never by the name
 * or the type the browser claims), at most 10 MB each, stored under names the bot chooses, in the
 * shared file store (db/file-store.ts), so any replica on any host serves them.
 */
import type { FileStore, StoredFile } from "./file-store.ts";

export const MAX_PHOTOS = 5;
export const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

export interface ImageType {
  ext: string;
  mime: string;
}

const startsWith = (b: Buffer, bytes: number[], at = 0) => bytes.every((x, i) => b[at + i] === x);
const ascii = (b: Buffer, from: number, to: number) => b.subarray(from, to).toString("latin1");

/** The image type of a file by its signature; undefined for anything else (scripts, archives, HTML…). */
export function sniffImage(b: Buffer): ImageType | undefined {
  if (startsWith(b, [0xff, 0xd8, 0xff])) return { ext: "jpg", mime: "image/jpeg" };
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ext: "png", mime: "image/png" };
  if (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a") return { ext: "gif", mime: "image/gif" };
  if (ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 12) === "WEBP") return { ext: "webp", mime: "image/webp" };
  // Phones (iPhone) take HEIC: an ISO-BMFF box "ftyp" with a HEIF brand.
  if (ascii(b, 4, 8) === "ftyp" && ["heic", "heix", "mif1", "msf1"].includes(ascii(b, 8, 12))) return { ext: "heic", mime: "image/heic" };
  return undefined;
}

/** File names the bot wrote: `<submission id>-<n>.<ext>`; anything else is refused when served. */
export const PHOTO_NAME = /^[0-9a-f-]{36}-[0-4]\.(jpg|png|gif|webp|heic)$/;

export function photoName(submissionId: string, position: number, type: ImageType): string {
  return `${submissionId}-${position}.${type.ext}`;
}

/** The key of a community's photo in the file store. */
export const photoKey = (communityId: number, name: string) => `photos/${communityId}/${name}`;

export async function storePhoto(store: FileStore, communityId: number, name: string, data: Buffer): Promise<void> {
  await store.put(photoKey(communityId, name), mimeOfName(name), [data]);
}

export async function openPhoto(store: FileStore, communityId: number, name: string): Promise<StoredFile | undefined> {
  if (!PHOTO_NAME.test(name)) return undefined;
  return store.open(photoKey(communityId, name));
}

export const mimeOfName = (name: string): string =>
  ({ jpg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp", heic: "image/heic" })[name.split(".").pop() ?? ""] ?? "application/octet-stream";
