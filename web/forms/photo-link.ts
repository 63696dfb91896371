/**
 * Signed links to stored photos. One photo: the image itself. Several (one activity's photos in
 * a ledger row): a page that shows them all, each image behind its own signed link with the same
 * expiry. The token names the community and the files, so it opens nothing else.
 */
import { type LinkSigning, type SignInPlatform, signLink } from "../../core/links/index.ts";

/**
 * Where a photo link opens only signed in (web/forms/photo-route.ts): `{ sp }` binds it, sending a
 * browser nobody signed in on to that platform's sign-in (`{}`: the chooser of every sign-in);
 * undefined leaves a bearer link (1:1, the simulator, a platform without web sign-in).
 */
export type PhotoBinding = { sp?: SignInPlatform } | undefined;

export function photoUrl(signing: LinkSigning, communityId: number, files: readonly string[], exp: number, binding?: PhotoBinding): string {
  const [only] = files;
  const bound = binding ? { si: 1 as const, ...(binding.sp ? { sp: binding.sp } : {}) } : {};
  return signLink(signing, files.length === 1 && only !== undefined ? { l: "p", c: communityId, f: only, ...bound, exp } : { l: "p", c: communityId, fs: [...files], ...bound, exp });
}

/** The binding of a link asked for on `platform` (undefined: a bearer link). */
export function photoBindingFor(platform: string | undefined): PhotoBinding {
  return platform === "wecom" || platform === "dingtalk" ? { sp: platform } : undefined;
}

/**
 * How long photo links written into a ledger stay valid. A ledger is kept and opened during an
 * inspection weeks or months after it was downloaded (seed 004 篇十五: inspection Nov–Dec for
 * the whole year's work), so the chat links' 24 h would leave it with dead links. Half a year
 * covers a term and its inspection; the file travels only to people the school gives it to.
 */
export const LEDGER_PHOTO_LINK_MS = 183 * 24 * 3_600_000;
