/**
 * Queue names and job payloads, declared once. Payloads are parsed when added and again when
 * processed: a payload that does not parse fails as UnrecoverableError instead of retrying.
 */
import { z } from "zod";
import { inboundMessageSchema, outboundMessageSchema, replySchema } from "./messages.ts";

export const QUEUE = { inbound: "inbound", outbound: "outbound", schedule: "schedule" } as const;

export const jobSchemas = {
  [QUEUE.inbound]: inboundMessageSchema,
  [QUEUE.outbound]: outboundMessageSchema,
  /** The due-work tick (workers/schedule/scheduler.ts): it carries nothing, the clock says what is due. */
  [QUEUE.schedule]: z.object({}),
} as const;

export type QueueName = keyof typeof jobSchemas;
export type JobPayload<Q extends QueueName> = z.infer<(typeof jobSchemas)[Q]>;

/** What an inbound job returns: the replies, and whether the message had been processed before. */
export const inboundResultSchema = z.object({
  replies: z.array(replySchema),
  duplicate: z.boolean(),
});
export type InboundResult = z.infer<typeof inboundResultSchema>;
