/** Reads a PNG far enough to prove it decodes: signature, IHDR, and IDAT that inflates to the right size. */
import { inflateSync } from "node:zlib";

export function decodePng(png: Buffer): { width: number; height: number; pixels: Buffer } {
  if (!png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error("not a PNG");
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString("latin1", at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[data[9] ?? -1] ?? 0;
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  const pixels = inflateSync(Buffer.concat(idat));
  // Each row: one filter byte, then width × channels bytes (8-bit depth).
  if (pixels.length !== height * (1 + width * channels)) throw new Error(`IDAT has ${pixels.length} bytes, expected ${height * (1 + width * channels)}`);
  return { width, height, pixels };
}
