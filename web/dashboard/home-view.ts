/** The landing page for a signed-in person: their communities and districts. */
import type { Membership } from "../../db/dashboard.ts";
import { esc } from "../forms/html.ts";

const ROLE_WORDS: Record<string, string> = { admin: "管理员", principal: "校长", coordinator: "联络员", teacher: "教师" };

export function homeBody(memberships: readonly Membership[], districts: readonly { id: number; name: string }[]): string {
  const communities = memberships.map(
    (m) => `<li><a href="/community/${m.communityId}">${esc(m.communityName)}</a> <span class="muted">${esc(m.roles.map((r) => ROLE_WORDS[r] ?? r).join("、"))}</span></li>`,
  );
  const bureaus = districts.map((d) => `<li><a href="/district/${d.id}">${esc(d.name)}</a> <span class="muted">区县管理员</span></li>`);
  if (communities.length + bureaus.length === 0)
    return `<h1>还没有你的共同体</h1><div class="card">这个账号还不是任何共同体的成员。请先在已绑定的群里 @机器人 发一条消息（例如 /帮助），或请管理员把你加为成员，再刷新本页。</div>`;
  return `<h1>我的共同体</h1>${bureaus.length ? `<div class="card"><h2>区县</h2><ul class="plain">${bureaus.join("")}</ul></div>` : ""}${communities.length ? `<div class="card"><h2>共同体</h2><ul class="plain">${communities.join("")}</ul></div>` : ""}`;
}
