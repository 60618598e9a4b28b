/**
 * The main-side half of the IPC contract: one handler per channel, checked and dispatched here.
 *
 * Electron's ipcMain and browser mode's WebSocket both call `dispatch`, so access checks, input
 * parsing and error shaping are the same in both. Expected failures become `{ ok: false }` values;
 * anything else is a bug: logged in full, answered with one neutral line.
 */
import {
  contract,
  type ChannelName,
  type ChannelOutput,
  type ChannelParsedInput,
  type EventName,
  type EventPayload,
} from '../../shared/contract';
import type { SessionUser } from '../../shared/model';
import { JsonText } from '../../shared/bridge-protocol';
import { UserError, fail, ok, type Result } from '../../shared/result';
import type { Logger } from '../core/logger';
import type { Session } from '../app/session';

/** What a handler gets besides its input. */
export interface CallContext {
  readonly session: Session;
  /** The caller's network address, where the carrier knows it (the web carrier). */
  readonly clientAddress?: string;
  /** Pushes a contract event to this caller. */
  readonly emit: <E extends EventName>(event: E, payload: EventPayload<E>) => void;
  /** Aborted when the caller has gone (the web carrier's HTTP calls): queued password checks are dropped. */
  readonly signal?: AbortSignal;
  /**
   * The browser's device cookie (the web carrier): what it presented, and how to give it a new
   * one after a successful logon (a known-good device skips the user name's slowdown).
   */
  readonly device?: { readonly presented: string | null; issue(value: string): void };
  /** The carrier sends {@link JsonText} answers as they are (the web carrier); else they are parsed. */
  readonly takesJsonText?: boolean;
}

/** A handler of one channel: throws UserError for expected failures. */
export type Handler<C extends ChannelName> = (
  input: ChannelParsedInput<C>,
  ctx: CallContext,
) => Promise<ChannelOutput<C> | JsonText<ChannelOutput<C>>> | ChannelOutput<C> | JsonText<ChannelOutput<C>>;

/**
 * The user's current state for a call that needs a logged-on user, or null when the session may no
 * longer be used (deleted, demoted below Log on, password changed elsewhere: it is ended then).
 */
export type Authorize = (session: Session) => Promise<SessionUser | null>;

/** Where a handler set carries its {@link Authorize} (createHandlers sets it). */
export const AUTHORIZE: unique symbol = Symbol('authorize');

/**
 * One handler for every channel of the contract, and the check every non-public call passes
 * (without one, the user copied into the session at logon is trusted: unit tests only).
 */
export type Handlers = { [C in ChannelName]: Handler<C> } & { readonly [AUTHORIZE]?: Authorize };

/** True when a string names a channel of the contract. */
export function isChannel(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Checks access, parses the input, runs the handler and shapes the answer. */
export async function dispatch(
  handlers: Handlers,
  channel: string,
  rawInput: unknown,
  ctx: CallContext,
  logger: Logger,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) return fail('unknownChannel', `unknown channel ${channel.slice(0, 64)}`);
  const def = contract[channel];
  let user = ctx.session.user;
  const authorize = handlers[AUTHORIZE];
  if (def.access !== 'public' && user && authorize) {
    try {
      user = await authorize(ctx.session);
    } catch (err) {
      logger.log(
        'error',
        `${channel}: the user's rights could not be checked: ${err instanceof Error ? err.message : String(err)}`,
      );
      return fail('unavailable', 'your rights cannot be checked just now; try again shortly');
    }
  }
  if (def.access !== 'public' && !user) return fail('notLoggedOn', 'you are not logged on');
  if (def.access === 'admin' && !user?.privileges.includes('admin')) {
    return fail('forbidden', 'this needs the Administrator privilege');
  }
  const parsed = def.input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return fail('badInput', `invalid request: ${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  try {
    const handler = handlers[channel] as (input: unknown, ctx: CallContext) => unknown;
    const value = await handler(parsed.data, ctx);
    if (value instanceof JsonText && !ctx.takesJsonText) return ok(JSON.parse(await value.text()) as unknown);
    return ok(value);
  } catch (err) {
    if (err instanceof UserError) {
      const failed = fail(err.code, err.message);
      return err.retryAfterSeconds && !failed.ok
        ? { ok: false, error: { ...failed.error, retryAfterSeconds: err.retryAfterSeconds } }
        : failed;
    }
    logger.log('error', `${channel} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return fail('internal', 'an internal error occurred; the details are in the log');
  }
}
