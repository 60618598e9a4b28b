/**
 * The browser-mode wire protocol: the IPC contract carried over one WebSocket.
 *
 * The renderer sends calls; the server answers each by id and pushes contract events. No answer
 * carries a long list of objects: a run's changes stay on the server and are asked for a page at a
 * time, and the Users list is JSON text the database makes (`JsonText`).
 */
import { z } from 'zod';
import { type ErrorCode, isErrorCode } from './error-codes';
import type { Result } from './result';

/**
 * A failure on the wire: a stable code and a one-line message. A code this build does not know
 * (a newer server's) arrives as `internal`, its message kept.
 */
export const AppError = z.object({
  code: z.string().transform((c): ErrorCode => (isErrorCode(c) ? c : 'internal')),
  message: z.string(),
  retryAfterSeconds: z.number().int().positive().optional(),
});

/**
 * The WebSocket path. Browser mode's token travels as `?token=`; the network service takes the
 * session from the cookie or `Authorization: Bearer <session id>`.
 */
export const BRIDGE_PATH = '/api';

/**
 * The HTTP carrier of the session-changing channels: `POST` a BridgeCall as JSON (at most 64 KiB),
 * get `{ id, result }` back, with `Set-Cookie` on a logon (a fresh session id) or a logoff (cleared).
 */
export const CALL_PATH = '/api/call';

/**
 * The close code telling a page to reconnect at once and keep its session: the server is draining
 * (WebSocket 1012, Service Restart); behind a load balancer the new socket reaches another server.
 */
export const RECONNECT_CODE = 1012;

/** The channels only `POST /api/call` carries; the WebSocket answers them `useHttp`. */
export const SESSION_CHANNELS: ReadonlySet<string> = new Set(['auth:logon', 'auth:setup-admin', 'auth:logoff']);

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

/**
 * An answer that is JSON text already: a long list the database serializes itself (the Users
 * list at 100,000 users), so the service holds no object per row. Its parts, joined, are the text,
 * and they are made as they are read: the web carrier sends each as a fragment of one WebSocket
 * message before the next is made, so the whole text never exists in the service. A carrier that
 * needs values (Electron's IPC, the HTTP call) gets them parsed by `dispatch`. Read once.
 */
export class JsonText<T = unknown> {
  /** The type the text parses to (for handlers' signatures only). */
  declare readonly parsesTo?: T;
  readonly parts: AsyncIterable<string>;
  constructor(parts: string | readonly string[] | AsyncIterable<string>) {
    this.parts =
      typeof parts === 'string' ? oneByOne([parts]) : Symbol.asyncIterator in parts ? parts : oneByOne(parts);
  }
  /** The whole text. */
  async text(): Promise<string> {
    let text = '';
    for await (const part of this.parts) text += part;
    return text;
  }
}

function oneByOne(parts: readonly string[]): AsyncIterable<string> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: (): Promise<IteratorResult<string>> =>
          Promise.resolve(i < parts.length ? { done: false, value: parts[i++]! } : { done: true, value: undefined }),
      };
    },
  };
}

/** The wire text of a JSON text answer is this, its parts, then {@link ANSWER_TAIL}. */
export function answerHead(call: BridgeCall): string {
  return `{"id":${JSON.stringify(call.id)},"result":{"ok":true,"value":`;
}
export const ANSWER_TAIL = '}}';

/** One answer as wire text. */
export function answerText(call: BridgeCall, result: Result<unknown>): string {
  if (result.ok && result.value instanceof JsonText)
    throw new TypeError('a JSON text answer is streamed, not sent whole');
  return JSON.stringify({ id: call.id, result });
}
