/**
 * The browser-mode wire protocol: the IPC contract carried over one WebSocket.
 *
 * The renderer sends calls; the server answers each by id and pushes contract events. A long
 * change list (Test Settings on 100,000 accounts) travels packed by column beside the answer and
 * is unpacked into the contract's own `Change` objects before the caller sees it: a third of the
 * bytes, and arrays of strings parse much faster than objects.
 */
import { z } from 'zod';
import { ChangeAction, type Change } from './model';
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

/** A message from the server: an answer to a call (maybe with packed changes), or a pushed event. */
export const BridgeMessage = z.union([
  z.object({
    id: z.number().int(),
    result: z.union([
      z.object({ ok: z.literal(true), value: z.unknown() }),
      z.object({ ok: z.literal(false), error: AppError }),
    ]),
    packedChanges: z.unknown().optional(),
  }),
  z.object({ event: z.string(), payload: z.unknown() }),
]);
export type BridgeMessage = z.infer<typeof BridgeMessage>;

/**
 * A change list by column. `actions` has one digit per change (its index in ChangeAction);
 * `emails[i]` is 0 when the addresses are exactly `[userName]`, the usual case; reasons are
 * indexes into the distinct `reasonTexts`.
 */
export interface PackedChanges {
  readonly actions: string;
  readonly userNames: readonly string[];
  readonly fullNames: readonly string[];
  readonly emails: readonly (0 | readonly string[])[];
  readonly reasons: readonly number[];
  readonly reasonTexts: readonly string[];
}

/** The channels whose answers carry change lists. */
export const CHANGE_LIST_CHANNELS: ReadonlySet<string> = new Set(['sync:test', 'sync:run', 'history:changes']);

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

/** One answer as wire text; a long change list is packed beside it. */
export function answerText(call: BridgeCall, result: Result<unknown>): string {
  if (result.ok && result.value instanceof JsonText)
    throw new TypeError('a JSON text answer is streamed, not sent whole');
  if (!result.ok || !CHANGE_LIST_CHANNELS.has(call.channel)) return JSON.stringify({ id: call.id, result });
  const { value, packedChanges } = splitAnswer(result.value);
  return JSON.stringify({ id: call.id, result: { ok: true, value }, packedChanges });
}

/** Lists shorter than this travel as they are. */
export const PACK_MIN = 500;
const ACTIONS = ChangeAction.options;

/** Packs a change list. */
export function packChanges(changes: readonly Change[]): PackedChanges {
  const n = changes.length;
  const actions: string[] = new Array<string>(n);
  const userNames: string[] = new Array<string>(n);
  const fullNames: string[] = new Array<string>(n);
  const emails: (0 | readonly string[])[] = new Array<0 | readonly string[]>(n);
  const reasons: number[] = new Array<number>(n);
  const reasonIndex = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = changes[i]!;
    actions[i] = String(ACTIONS.indexOf(c.action));
    userNames[i] = c.userName;
    fullNames[i] = c.fullName;
    const e = c.emailAddresses;
    emails[i] = e.length === 1 && e[0] === c.userName ? 0 : e;
    let r = reasonIndex.get(c.reason);
    if (r === undefined) reasonIndex.set(c.reason, (r = reasonIndex.size));
    reasons[i] = r;
  }
  return { actions: actions.join(''), userNames, fullNames, emails, reasons, reasonTexts: [...reasonIndex.keys()] };
}

/** Unpacks a change list; throws on a malformed one (a protocol bug, not user input). */
export function unpackChanges(p: PackedChanges): Change[] {
  const n = p.actions.length;
  if (p.userNames.length !== n || p.fullNames.length !== n || p.emails.length !== n || p.reasons.length !== n) {
    throw new Error('packed changes: columns of different lengths');
  }
  const out = new Array<Change>(n);
  for (let i = 0; i < n; i++) {
    const action = ACTIONS[p.actions.charCodeAt(i) - 48];
    const reason = p.reasonTexts[p.reasons[i]!];
    if (action === undefined || reason === undefined) throw new Error('packed changes: bad action or reason');
    const userName = p.userNames[i]!;
    const e = p.emails[i]!;
    out[i] = { action, userName, fullName: p.fullNames[i]!, emailAddresses: e === 0 ? [userName] : [...e], reason };
  }
  return out;
}

/**
 * Splits an answer's value for the wire: a long change list (the value's `changes`, or the value
 * itself for `history:changes`) is taken out and packed; `joinAnswer` puts it back.
 */
export function splitAnswer(value: unknown): { value: unknown; packedChanges?: PackedChanges } {
  if (Array.isArray(value) && value.length >= PACK_MIN && isChange(value[0])) {
    return { value: [], packedChanges: packChanges(value as Change[]) };
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const changes = (value as { changes?: unknown }).changes;
    if (Array.isArray(changes) && changes.length >= PACK_MIN && isChange(changes[0])) {
      return { value: { ...value, changes: [] }, packedChanges: packChanges(changes as Change[]) };
    }
  }
  return { value };
}

/** The inverse of `splitAnswer`. */
export function joinAnswer(value: unknown, packed: PackedChanges): unknown {
  const changes = unpackChanges(packed);
  return Array.isArray(value) ? changes : { ...(value as object), changes };
}

function isChange(x: unknown): x is Change {
  return !!x && typeof x === 'object' && 'action' in x && 'userName' in x && 'emailAddresses' in x;
}
