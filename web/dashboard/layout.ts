/**
 * The signed-in pages' shell: the form pages' look (system fonts, nothing external) plus tables,
 * status marks and a sign-out button. Mobile first: tables scroll sideways inside their card on a
 * 390 px screen instead of squeezing school names; on a desktop the column widens.
 */
import { esc } from "../forms/html.ts";

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 -apple-system,"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;background:#f4f6f8;color:#1d2129}
header{background:#fff;border-bottom:1px solid #e5e6eb}
header .in,main{max-width:1100px;margin:0 auto;padding:10px 16px}
header .in{display:flex;align-items:center;gap:12px;flex-wrap:wrap}
header a.home{font-weight:700;color:#1d2129;text-decoration:none}
header form{margin-left:auto}
header button{background:none;border:1px solid #c9cdd4;border-radius:8px;padding:6px 12px;font:inherit;color:#1d2129;min-height:40px}
h1{font-size:22px;margin:8px 0 2px}
h2{font-size:18px;margin:0 0 8px}
p.sub{margin:0 0 14px;color:#4e5969}
.card{background:#fff;border-radius:10px;padding:14px 16px;margin-bottom:14px}
.grid{display:grid;gap:14px}
@media(min-width:900px){.grid.two{grid-template-columns:1fr 1fr}}
.big{font-size:30px;font-weight:700}
.bar{height:10px;background:#e5e6eb;border-radius:5px;overflow:hidden;margin:6px 0}
.bar span{display:block;height:100%;background:#00a870}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;min-width:520px}
th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #e5e6eb;vertical-align:top}
th{font-weight:600;color:#4e5969;white-space:nowrap}
td.name{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.mine td{background:#f0f7ff}
.card.mine{border-left:4px solid #1664ff}
a{color:#0e5bd8}
.st{display:inline-block;padding:1px 8px;border-radius:10px;font-size:14px;white-space:nowrap}
.st.ok{background:#e8f8f0;color:#006b45}
.st.behind{background:#fff4e5;color:#8a4b00}
.st.idle{background:#fdecec;color:#a61b1b}
.st.met{background:#e8f8f0;color:#006b45}
.muted{color:#6b7280}
ul.plain{margin:0;padding-left:20px}
form.filter{display:flex;gap:8px;flex-wrap:wrap;margin-bottom:10px}
form.filter input,form.filter select{min-height:44px;font:inherit;padding:6px 10px;border:1px solid #c9cdd4;border-radius:8px}
form.filter button,a.btn{min-height:44px;font:inherit;padding:6px 14px;border:0;border-radius:8px;background:#1664ff;color:#fff;text-decoration:none;display:inline-block}
.chart svg{max-width:100%;height:auto}
.photos img{max-width:160px;border-radius:6px;margin:4px 4px 0 0}
:focus-visible{outline:3px solid #ffb800;outline-offset:2px}
`;

export function dashboardPage(title: string, body: string, csrfToken: string, who: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="referrer" content="no-referrer"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><div class="in"><a class="home" href="/">教联体助手</a><span class="muted">${esc(who)}</span>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${esc(csrfToken)}"><button type="submit">退出登录</button></form></div></header>
<main>${body}</main></body></html>`;
}

/** A status mark that says itself in words (not colour alone). */
export function statusMark(status: "ok" | "behind" | "idle" | "met"): string {
  const words = { ok: "● 正常", behind: "▲ 落后", idle: "■ 两周无活动", met: "✓ 全部达标" } as const;
  return `<span class="st ${status}">${words[status]}</span>`;
}

export function progressBar(done: number, total: number): string {
  const pct = total === 0 ? 0 : Math.round((100 * Math.min(done, total)) / total);
  return `<div class="bar" role="img" aria-label="完成 ${pct}%"><span style="width:${pct}%"></span></div>`;
}
