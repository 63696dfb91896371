/**
 * A child process for the last-resort test: installs the bot's handlers, keeps a timer alive
 * (like a live connection would), then fails the way dingtalk-stream 2.1.5's keepalive timer
 * did in production: a throw from a timer callback, or a rejection nobody awaits.
 */
import { installLastResort } from "../../app/last-resort.ts";
import { createLogger } from "../../config/logger.ts";

installLastResort(createLogger("info"));
setInterval(() => undefined, 1000);
const how = process.argv[2];
setTimeout(() => {
  if (how === "reject") void Promise.reject(new Error("gateway answered 502"));
  else throw new Error("WebSocket is not open: readyState 0 (CONNECTING)");
}, 20);
