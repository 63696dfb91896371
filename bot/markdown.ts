/**
 * Replies are plain text (commands know no platform); WeCom and DingTalk render what the bot
 * sends as markdown. Text a user typed (a title, a note, a name) would otherwise render too: a
 * title `《[点此重新登录](http://evil.example/login)》` became a live, disguised link inside the
 * bot's own card, and digests carry such text to other groups.
 *
 * Backslash escapes are not honoured by every renderer (DingTalk's markdown subset shows the
 * backslash), so the characters that start markdown constructs are replaced by their full-width
 * forms, which read the same in Chinese text and mean nothing to a renderer. Web addresses are
 * left exactly as they are (signed links carry `_` and `-`); an address a user typed stays
 * visible as itself, never behind other words.
 */
const INLINE: Record<string, string> = { "[": "［", "]": "］", "<": "＜", ">": "＞", "*": "＊", "`": "｀", "~": "～", "|": "｜", _: "＿", "\\": "＼", "!": "！" };
const URL = /https?:\/\/[^\s<>[\]()（）「」《》，。、]+/g;

function neutralise(piece: string): string {
  return piece
    .replace(/[[\]<>*`~|_\\!]/g, (c) => INLINE[c] ?? c)
    .replace(/^(\s*)(#{1,6}|[-+]|\d+\.)(?=\s)/gm, (_m, space: string, mark: string) => `${space}${mark.replace(/^#/, "＃").replace(/^-$/, "－").replace(/^\+$/, "＋").replace(/\.$/, "．")}`)
    .replace(/^(\s*)(={3,}|-{3,})\s*$/gm, (_m, space: string, rule: string) => `${space}${rule.replace(/[=-]/g, (c) => (c === "=" ? "＝" : "－"))}`);
}

/** Plain text made safe to send as markdown: every markdown construct outside web addresses is neutralised. */
export function markdownSafe(text: string): string {
  let out = "";
  let last = 0;
  for (const m of text.matchAll(URL)) {
    out += neutralise(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + neutralise(text.slice(last));
}

/** The same message with every reply's text made markdown-safe (choices and actions are commands, not rendered). */
export function withMarkdownSafeText<M extends { replies: readonly { text: string }[] }>(message: M): M {
  return { ...message, replies: message.replies.map((r) => ({ ...r, text: markdownSafe(r.text) })) };
}
