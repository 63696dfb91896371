/**
 * A JPEG as a phone writes it: APP1 Exif (TIFF, little-endian, CIPA DC-008 / TIFF 6.0 layout)
 * with Make and a GPS IFD (latitude 37°45'N, longitude 110°10'E, near 清涧县), an APP1 XMP packet
 * with the same position, then the image segments. Built by hand so the test knows exactly
 * which bytes are metadata and which are the picture.
 */
const u16 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff]);
const u32 = (n: number) => Buffer.from([n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff]);
const entry = (tag: number, type: number, count: number, value: Buffer) => Buffer.concat([u16(tag), u16(type), u32(count), Buffer.concat([value, Buffer.alloc(4 - value.length)])]);
const rationals = (...parts: number[]) => Buffer.concat(parts.flatMap((p) => [u32(p), u32(1)]));

function exifSegment(): Buffer {
  // Offsets from the TIFF header: IFD0 at 8 (2 entries → 30 bytes), "Canon\0" at 38, GPS IFD at 44 (4 entries → 54 bytes), latitude at 98, longitude at 122.
  const ifd0 = Buffer.concat([u16(2), entry(0x010f, 2, 6, u32(38)), entry(0x8825, 4, 1, u32(44)), u32(0)]);
  const make = Buffer.from("Canon\0", "latin1");
  const gps = Buffer.concat([u16(4), entry(0x0001, 2, 2, Buffer.from("N\0")), entry(0x0002, 5, 3, u32(98)), entry(0x0003, 2, 2, Buffer.from("E\0")), entry(0x0004, 5, 3, u32(122)), u32(0)]);
  const tiff = Buffer.concat([Buffer.from("II"), u16(42), u32(8), ifd0, make, gps, rationals(37, 45, 0), rationals(110, 10, 0)]);
  const body = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  return Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([(body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
}

function xmpSegment(): Buffer {
  const packet = `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="37,45.0N" exif:GPSLongitude="110,10.0E"/></rdf:RDF></x:xmpmeta>`;
  const body = Buffer.from(packet, "utf8");
  return Buffer.concat([Buffer.from([0xff, 0xe1]), Buffer.from([(body.length + 2) >> 8, (body.length + 2) & 0xff]), body]);
}

/** The picture's own segments (JFIF APP0, a quantisation table, frame, scan, end), kept by stripping. */
export const PICTURE = Buffer.from(
  "ffe000104a46494600010100000100010000" +
    "ffdb004300" +
    "01".repeat(64) +
    "ffc0000b080001000101011100" +
    "ffc4001f0000010501010101010100000000000000000102030405060708090a0b" +
    "ffda0008010100003f00d2cf20" +
    "ffd9",
  "hex",
);

export function jpegWithGps(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8]), exifSegment(), xmpSegment(), PICTURE]);
}
