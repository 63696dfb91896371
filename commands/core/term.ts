/** The community's current term and "today", as handlers need them. */
import { todayIn } from "../../core/dates.ts";
import { countingTermFor, type Term } from "../../core/terms.ts";
import type { BoundContext } from "./types.ts";

export function termOf(ctx: BoundContext): { today: string; term: Term } {
  const today = todayIn(ctx.now, ctx.community.timezone);
  return { today, term: countingTermFor(ctx.community, today) };
}
