/**
 * The browser-mode wire protocol: the IPC contract carried over one WebSocket.
 *
 * The renderer sends calls; the server answers each by id and pushes contract events.
 */
import { z } from 'zod';
import { AppError } from './result';

/** The WebSocket path of browser mode; the token travels as `?token=`. */
export const BRIDGE_PATH = '/api';

/** A call from the renderer. */
export const BridgeCall = z.object({ id: z.number().int(), channel: z.string(), input: z.unknown() });
export type BridgeCall = z.infer<typeof BridgeCall>;

/** A message from the server: an answer to a call, or a pushed event. */
export const BridgeMessage = z.union([
  z.object({
    id: z.number().int(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: AppError }),
    ]),
  }),
  z.object({ event: z.string(), payload: z.unknown() }),
]);
export type BridgeMessage = z.infer<typeof BridgeMessage>;
