/**
 * GET /privacy: the full 隐私说明, public (no link secret: anyone told about the bot may read
 * what it keeps), with the deployment's retention periods. A community's own contact and
 * periods are in /隐私.
 */
import type { FastifyInstance } from "fastify";
import type { RetentionPolicy } from "../../core/privacy/policy.ts";
import { PRIVACY_PATH, privacyStatement } from "../../core/privacy/statement.ts";
import { esc, page } from "../forms/html.ts";

export function privacyPage(retention: RetentionPolicy): string {
  const sections = privacyStatement({ retention, contact: "见各共同体的设置：在群里发送 /隐私 查看" })
    .map((s) => `<h2>${esc(s.title)}</h2><div class="box">${s.lines.map(esc).join("\n")}</div>`)
    .join("");
  return page("隐私说明", `<h1>教联体助手 隐私说明</h1><p class="sub">本助手保存什么、为什么、保存多久，以及你如何获取副本或删除。</p>${sections}`);
}

export function registerPrivacyPage(app: FastifyInstance, retention: RetentionPolicy): void {
  const html = privacyPage(retention);
  app.get(PRIVACY_PATH, (_req, reply) => reply.type("text/html; charset=utf-8").header("cache-control", "public, max-age=600").send(html));
}
