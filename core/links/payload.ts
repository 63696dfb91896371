/**
 * What each kind of signed link carries: one zod schema per kind, discriminated on `l` (the
 * route's letter), so a token says which route it opens and is checked before any query.
 * Short keys: the token travels in a URL.
 */
import { z } from "zod";
import { platformSchema } from "../../messages/messages.ts";

/** The route of each kind: /f form, /d download, /c chart, /p photo, /i ledger upload, /my a person's own data. */
export const LINK_KINDS = ["f", "d", "c", "p", "i", "my"] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

const id = z.number().int().positive();
const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A gallery shows at most this many photos (one activity's). */
export const MAX_PHOTO_FILES = 5;

/** A platform with web sign-in: where a browser is sent to sign in for a link bound to the person. */
const signInPlatform = z.enum(["wecom", "dingtalk"]);

/** Who asked for a page that acts in a chat as them: community, member, where replies go, one use. */
const askedInChat = {
  /** community id, member id */
  c: id,
  m: id,
  p: platformSchema,
  /** chat id and type: where the confirmation is posted */
  ch: z.string().min(1),
  t: z.enum(["group", "direct"]),
  /** the sender's platform id and name, as the message that asked for the link had them */
  u: z.string(),
  n: z.string(),
  /** one submission: the form's message id is `form-<j>` */
  j: z.string().min(1),
  /** posted in a group: opens only for the asker's account, signed in on the bot's pages */
  si: z.literal(1).optional(),
  exp: z.number(),
};

/** A web form (GET/POST /f): bound to the member, chat and community; one submission. */
export const formLinkSchema = z.strictObject({
  l: z.literal("f"),
  ...askedInChat,
  /** the command whose form this is (its name) */
  cmd: z.string().min(1),
  /** preselected activity kind */
  k: z.string().optional(),
});

/** The ledger upload page of /导入 (GET/POST /i): bound like a form; the upload runs /导入 as the admin who asked. */
export const uploadLinkSchema = z.strictObject({
  l: z.literal("i"),
  ...askedInChat,
});

/** An export built when opened (/d); permissions are checked again then. */
export const downloadLinkSchema = z.strictObject({
  l: z.literal("d"),
  w: z.enum(["ledger", "summary", "district"]),
  /** community, and the member who asked (for ledger and summary) */
  c: id.optional(),
  m: id.optional(),
  /** district, and the district admin who asked (for the district workbook) */
  d: id.optional(),
  a: id.optional(),
  /** the range's name as people say it, e.g. 2026年秋季学期 */
  n: z.string().max(100).optional(),
  /** date range, inclusive */
  f: z.string().regex(DAY),
  t: z.string().regex(DAY),
  /** one school only */
  s: id.optional(),
  /** asked in a 1:1 chat: only then may an admin's file carry the audit log (a group's members would all see it) */
  p: z.literal(1).optional(),
  /** posted in a group: opens only for a signed-in account that may have the file (checked as for the asker) */
  si: z.literal(1).optional(),
  /**
   * Asked for on a platform with web sign-in (a group or 1:1): where a browser is sent to sign in,
   * and the photo links written into the file open only signed in (the file travels further than the chat).
   */
  sp: signInPlatform.optional(),
  exp: z.number(),
});

/** The progress chart (/c): the community, and the member who asked (none for a group's digest). */
export const chartLinkSchema = z.strictObject({
  l: z.literal("c"),
  /** What chart (the only one so far); tokens made before links carried `l` said their kind this way. */
  w: z.literal("chart"),
  c: id,
  m: id.optional(),
  exp: z.number(),
});

/** Stored photos (/p): one file is the image; several are a page showing them. */
export const photoLinkSchema = z
  .strictObject({
    l: z.literal("p"),
    c: id,
    f: z.string().min(1).optional(),
    fs: z.array(z.string().min(1)).min(1).max(MAX_PHOTO_FILES).optional(),
    /** made for a group, a ledger or a signed-in page: opens only for a signed-in member of the community or admin of its district */
    si: z.literal(1).optional(),
    /** where a browser is sent to sign in */
    sp: signInPlatform.optional(),
    exp: z.number(),
  })
  .refine((p) => (p.f === undefined) !== (p.fs === undefined), "one file or several, not both");

/** /我的数据 (/my): everything kept about one platform account, as a file built when opened. */
export const myDataLinkSchema = z.strictObject({
  l: z.literal("my"),
  /** Tokens made before links carried `l` said their kind this way. */
  w: z.literal("mydata"),
  /** platform and user id of the account */
  pl: z.string().min(1).max(20),
  u: z.string().min(1).max(256),
  exp: z.number(),
});

export const linkPayloadSchema = z.discriminatedUnion("l", [formLinkSchema, downloadLinkSchema, chartLinkSchema, photoLinkSchema, uploadLinkSchema, myDataLinkSchema]);

export type LinkPayload = z.infer<typeof linkPayloadSchema>;
/** The payload of one kind: a route typed with it cannot be handed another kind's. */
export type LinkOf<K extends LinkKind> = Extract<LinkPayload, { l: K }>;
export type FormLinkPayload = LinkOf<"f">;
export type DownloadLinkPayload = LinkOf<"d">;
export type ChartLinkPayload = LinkOf<"c">;
export type PhotoLinkPayload = LinkOf<"p">;
export type UploadLinkPayload = LinkOf<"i">;
export type MyDataLinkPayload = LinkOf<"my">;
export type SignInPlatform = z.infer<typeof signInPlatform>;

/**
 * A token signed before payloads carried `l`, given its kind from its shape alone (never from
 * the route it is opened at). Ledger photo links last half a year (LEDGER_PHOTO_LINK_MS), so
 * such tokens are still opened until mid-2027.
 */
export function upgradeLegacy(raw: Record<string, unknown>): Record<string, unknown> {
  if (typeof raw.l === "string") return raw;
  // The ledger upload page was a form link of /导入 served at /i.
  if (raw.cmd === "导入") {
    const { cmd: _cmd, ...rest } = raw;
    return { ...rest, l: "i" };
  }
  return { ...raw, l: legacyKind(raw) };
}

function legacyKind(raw: Record<string, unknown>): LinkKind | undefined {
  if (raw.w === "chart") return "c";
  if (raw.w === "mydata") return "my";
  if (typeof raw.w === "string") return "d";
  if (typeof raw.cmd === "string") return "f";
  if (raw.f !== undefined || raw.fs !== undefined) return "p";
  return undefined;
}
