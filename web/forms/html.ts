/** Small HTML helpers for pages rendered on the server (no front-end build, nothing external). */

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);

// System fonts only: school networks and these machines are offline, so no web font or CDN.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:17px/1.5 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;background:#f4f6f8;color:#1d2129}
main{max-width:560px;margin:0 auto;padding:16px}
h1{font-size:21px;margin:4px 0 4px}
p.sub{margin:0 0 16px;color:#4e5969;font-size:15px}
.field{background:#fff;border-radius:10px;padding:12px 14px;margin-bottom:10px}
label,.label{display:block;font-weight:600;margin-bottom:6px}
.req{color:#d03030;margin-left:2px}
input[type=text],input[type=date],input[type=number],select,textarea{width:100%;min-height:48px;font:inherit;padding:10px 12px;border:1px solid #c9cdd4;border-radius:8px;background:#fff}
textarea{min-height:96px}
.checks label{display:flex;align-items:center;gap:10px;font-weight:400;min-height:44px;margin:0}
.checks input{width:22px;height:22px}
.error{color:#c62828;font-size:15px;margin-top:6px}
.field.bad{border:2px solid #e53935}
.hint{color:#86909c;font-size:14px;margin-top:4px}
button{width:100%;min-height:52px;font:inherit;font-weight:600;color:#fff;background:#1664ff;border:0;border-radius:10px;margin:8px 0 24px}
.box{background:#fff;border-radius:10px;padding:18px;white-space:pre-line}
.photos img{max-width:100%;border-radius:8px;margin-top:8px}
`;

export function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="referrer" content="no-referrer"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body></html>`;
}

/** A page that only says something (expired, tampered, done). */
export function messagePage(title: string, lines: readonly string[], extra = ""): string {
  return page(title, `<h1>${esc(title)}</h1><div class="box">${lines.map(esc).join("\n")}</div>${extra}`);
}
