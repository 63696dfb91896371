/**
 * Photos without their metadata: EXIF (GPS position, device, time), XMP and PNG text chunks are
 * removed with exif-be-gone (JPEG APP1 segments, PNG tEXt/iTXt/zTXt/eXIf/tIME, WebP EXIF), then
 * the result is read back with exifr and refused if any position or EXIF tag is still there (a
 * HEIC photo, whose EXIF item exif-be-gone cannot reach, or a file it could not parse). Used on
 * upload and again on serving, so photos stored before this existed never go out with a position.
 */
import { pipeline as pipe, Readable, type Transform, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import exifBeGone from "exif-be-gone";
import exifr from "exifr";

// A CommonJS module whose module.exports is the class; its types describe an ES default export.
type TransformerClass = new () => Transform;
const loaded = exifBeGone as unknown as TransformerClass | { default: TransformerClass };
const ExifTransformer: TransformerClass = typeof loaded === "function" ? loaded : loaded.default;

export type CleanPhoto = { ok: true; data: Buffer } | { ok: false; reason: string };

export const STILL_HAS_METADATA = "这张照片的拍摄地点等信息无法去除（常见于 HEIC 格式），没有保存。请在手机上改选 JPG 格式（iPhone：设置 → 相机 → 格式 → 兼容性最佳）后再上传。";

export async function stripMetadata(data: Buffer): Promise<Buffer> {
  const out: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.push(chunk);
      done();
    },
  });
  await pipeline(Readable.from([data]), new ExifTransformer(), sink);
  return Buffer.concat(out);
}

/** A stored photo's bytes as they are served: metadata removed on the way, never the whole file in memory. */
export function strippedStream(source: Readable): Readable {
  // An error on either side ends the response (the reply sees the transform fail), never hangs it.
  return pipe(source, new ExifTransformer(), () => {});
}

/** Whether exifr still finds a GPS position or any EXIF/TIFF/XMP/IPTC tag. */
export async function hasMetadata(data: Buffer): Promise<boolean> {
  try {
    const tags = await exifr.parse(data, { tiff: true, exif: true, gps: true, xmp: true, iptc: true, ifd1: true, interop: true, icc: false, jfif: false, ihdr: false, mergeOutput: true });
    return tags !== undefined && tags !== null && Object.keys(tags).length > 0;
  } catch {
    // exifr throws on formats it does not read at all (e.g. GIF): such a file carries no EXIF it could find.
    return false;
  }
}

export async function cleanPhoto(data: Buffer): Promise<CleanPhoto> {
  const stripped = await stripMetadata(data);
  if (await hasMetadata(stripped)) return { ok: false, reason: STILL_HAS_METADATA };
  return { ok: true, data: stripped };
}
