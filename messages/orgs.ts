/**
 * Organisations (WeCom corps, DingTalk orgs) in one deployment. Platform chat and user ids are
 * unique only within their organisation, so every id that crosses from bot/ into the pipeline is
 * qualified by the organisation's key: `<org>~<id>`. The legacy organisation (the single-org
 * environment variables, key `default`) keeps bare ids, so everything stored before there were
 * organisations stays its own without rewriting a row, and every table, Redis key, job id and
 * signed link that holds a chat or user id is keyed per organisation without knowing it.
 * Neither platform uses `~` in its ids (WeCom userid: letters, digits, _-@.; DingTalk ids:
 * letters, digits, base64's +/=), so a bare id never reads as a qualified one.
 */
export const LEGACY_ORG = "default";

/** An operator's organisation key: short, stable, safe in ids, paths and Redis keys. */
export const ORG_KEY_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

const SEPARATOR = "~";

/** The pipeline's id for a platform's own `id` in organisation `org`. */
export function qualify(org: string, id: string): string {
  return org === LEGACY_ORG ? id : `${org}${SEPARATOR}${id}`;
}

/** The organisation a pipeline id belongs to. */
export function orgOf(id: string): string {
  const at = id.indexOf(SEPARATOR);
  return at > 0 && ORG_KEY_PATTERN.test(id.slice(0, at)) ? id.slice(0, at) : LEGACY_ORG;
}

/** How a person reads an account: the platform's own id, and "（<org>）" before it for an organisation other than the legacy one. */
export function accountLabel(id: string): string {
  const org = orgOf(id);
  return org === LEGACY_ORG ? id : `（${org}）${localId(id)}`;
}

/** The platform's own id behind a pipeline id (what the organisation's API knows). */
export function localId(id: string): string {
  const org = orgOf(id);
  return org === LEGACY_ORG ? id : id.slice(org.length + SEPARATOR.length);
}
