/** Typed calls over the one accessor, with thrown errors turned into error values. */
import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/contract';
import type { Result } from '../../../shared/result';
import { api } from '../api';

/**
 * Calls a channel of the contract.
 *
 * Expected failures already arrive as `{ ok: false }`; a bug thrown in main reaches the renderer as
 * a rejected promise (Electron passes only its message), so it becomes an error value here too and
 * every caller handles one shape.
 */
export async function call<C extends ChannelName>(
  channel: C,
  input: ChannelInput<C>,
): Promise<Result<ChannelOutput<C>>> {
  try {
    return await api.invoke(channel, input);
  } catch (err) {
    return { ok: false, error: { code: 'internal', message: err instanceof Error ? err.message : String(err) } };
  }
}
