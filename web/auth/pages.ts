/** The sign-in pages: which platform, the local simulator's form, and refusals. */
import { esc, messagePage, page } from "../forms/html.ts";

const PLATFORM_NAMES = { wecom: "企业微信", dingtalk: "钉钉" } as const;

/** One sign-in button: the platform, where it starts, and the organisation when the platform has several. */
export interface SignInChoice {
  platform: "wecom" | "dingtalk";
  href: string;
  orgName?: string;
}

export function chooserPage(choices: readonly SignInChoice[], next: string, simulator: boolean): string {
  const q = `?next=${encodeURIComponent(next)}`;
  const buttons = choices.map((c) => `<p><a class="btn" href="${esc(c.href + q)}">用${PLATFORM_NAMES[c.platform]}登录${c.orgName ? `（${esc(c.orgName)}）` : ""}</a></p>`);
  if (simulator) buttons.push(`<p><a class="btn" href="/login/sim${esc(q)}">本机模拟登录（开发测试用）</a></p>`);
  const none = buttons.length === 0 ? `<div class="box">网页登录未开启：需要配置企业微信自建应用或钉钉应用（见 README「网页登录」）。</div>` : "";
  return page("登录 教联体助手", `<h1>登录 教联体助手</h1><p class="sub">用你在群里和机器人说话的账号登录，看本共同体的进度。</p>${none}${buttons.join("")}`);
}

export function simLoginPage(next: string, csrfToken: string, error?: string): string {
  const err = error ? `<p class="error" role="alert">${esc(error)}</p>` : "";
  return page(
    "本机模拟登录",
    `<h1>本机模拟登录</h1><p class="sub">只在本机开发和测试时可用：填写模拟器里的用户 ID（如 u1）。</p>${err}
<form method="post" action="/login/sim">
<input type="hidden" name="next" value="${esc(next)}"><input type="hidden" name="_csrf" value="${esc(csrfToken)}">
<div class="field"><label for="userId">用户 ID</label><input type="text" id="userId" name="userId" required maxlength="256" autocomplete="off"></div>
<button type="submit">登录</button></form>`,
  );
}

export const refusedPage = (why: string) => messagePage("没有登录成功", [why, "请回到群里重新打开链接，或稍后再试。"]);
