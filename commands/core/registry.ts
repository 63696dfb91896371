/**
 * The command registry: built once at boot from the command list (commands/index.ts) and handed
 * to dispatch, so the framework never imports a feature. Every name and alias is one key; a
 * second command claiming a key is refused at boot (last-wins made /帮助 and dispatch disagree).
 */
import { closest } from "fastest-levenshtein";
import type { AnyCommand, Registry, RegistryHooks } from "./types.ts";

export type { Registry, RegistryHooks } from "./types.ts";

export class DuplicateCommandNameError extends Error {
  override readonly name = "DuplicateCommandNameError";
}

export function createRegistry(commands: readonly AnyCommand[], hooks: RegistryHooks = {}): Registry {
  const byName = new Map<string, AnyCommand>();
  for (const c of commands) {
    for (const n of new Set([c.name, ...c.aliases].map((x) => x.toLowerCase()))) {
      const taken = byName.get(n);
      if (taken) throw new DuplicateCommandNameError(`command name or alias "${n}" of /${c.name} is already taken by /${taken.name}`);
      byName.set(n, c);
    }
  }
  const replaying = commands.filter((c) => c.replay);
  // The message context loads one recorded activity per message key; two such commands could not tell theirs apart.
  if (replaying.length > 1) throw new Error(`only one command may replay what a message recorded, got ${replaying.map((c) => `/${c.name}`).join(", ")}`);
  const replay = replaying[0]?.replay;
  const keys = [...byName.keys()];
  return {
    ...hooks,
    all: commands,
    find: (name) => byName.get(name.toLowerCase()),
    suggest(name) {
      const guess = closest(name.toLowerCase(), keys);
      return guess ? byName.get(guess) : undefined;
    },
    ...(replay ? { replayRecorded: replay } : {}),
  };
}
