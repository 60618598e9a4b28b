/** One user-triggered call: busy while it runs, its error kept for an Alert next to the button. */
import { useCallback, useRef, useState } from 'react';
import type { ChannelInput, ChannelName, ChannelOutput } from '../../../shared/contract';
import type { AppError, Result } from '../../../shared/result';
import { call } from './call';

/** State and trigger of an action. */
export interface ActionState<C extends ChannelName> {
  run: (input: ChannelInput<C>) => Promise<Result<ChannelOutput<C>>>;
  busy: boolean;
  error: AppError | null;
  setError: (error: AppError | null) => void;
}

/** Wraps a channel as an action; `run` resolves to the result so callers can go on from success. */
export function useAction<C extends ChannelName>(channel: C): ActionState<C> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const seq = useRef(0);
  const run = useCallback(
    async (input: ChannelInput<C>) => {
      const mine = ++seq.current;
      setBusy(true);
      setError(null);
      const r = await call(channel, input);
      if (mine === seq.current) {
        setBusy(false);
        if (!r.ok) setError(r.error);
      }
      return r;
    },
    [channel],
  );
  return { run, busy, error, setError };
}
