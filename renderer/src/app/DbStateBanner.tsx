/**
 * The administrators' banner about the user database: it was damaged (moved aside, kept) or
 * missing when opened, and its backup is used from now on. It says how many users each copy
 * holds, where the damaged copy is kept, and what to do; and a writer lock taken over from a process
 * that ended without releasing it. Nothing shows while there is nothing to tell.
 */
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import type { DbFallback } from '../../../shared/db-notice';
import { formatDate, plural } from '../lib/format';
import { useQuery } from '../lib/use-query';

const users = (n: number | null) => (n === null ? 'its users cannot be counted' : plural(n, 'user'));

/** One fallback in words. */
function FallbackText({ f }: { f: DbFallback }) {
  return (
    <>
      {f.damagedCopy ? (
        <>
          On {formatDate(f.at)} the user database {f.database} was found damaged ({f.problem}). It was moved aside to{' '}
          <b>{f.damagedCopy}</b> in the data directory ({users(f.damagedUsers)}), where it is kept until you remove it.
        </>
      ) : (
        <>
          On {formatDate(f.at)} the user database {f.database} was missing.
        </>
      )}{' '}
      Its backup {f.backup} ({users(f.backupUsers)}) is used from now on: changes made after that backup are lost.
      <Box component="span" sx={{ display: 'block', mt: 0.5 }}>
        What to do: run <code>mdsync db check</code> to see the state of every copy; to put a copy back, run{' '}
        <code>mdsync db restore --from {f.damagedCopy ?? 'FILE'}</code> (it keeps what it replaces aside).
      </Box>
    </>
  );
}

/** The banner; empty unless the database open reported a fallback or damaged copies are kept. */
export function DbStateBanner() {
  const state = useQuery('db:state', {});
  const fallbacks = state.data?.fallbacks ?? [];
  const told = new Set(fallbacks.map((f) => f.damagedCopy));
  const earlier = (state.data?.keptAside ?? []).filter((name) => !told.has(name));
  const takeovers = state.data?.lockTakeovers ?? [];
  if (fallbacks.length === 0 && earlier.length === 0 && takeovers.length === 0) return null;
  return (
    <Box sx={{ px: 2, pt: 2 }}>
      {fallbacks.map((f) => (
        <Alert
          key={f.at + f.database}
          severity="error"
          sx={{ mb: 1 }}
          aria-label="User database restored from its backup"
        >
          <AlertTitle>
            {f.damagedCopy
              ? 'The user database was damaged: its backup is in use'
              : 'The user database was missing: its backup is in use'}
          </AlertTitle>
          <FallbackText f={f} />
        </Alert>
      ))}
      {earlier.length > 0 && (
        <Alert severity="warning" sx={{ mb: 1 }} aria-label="Damaged copies of the user database">
          A damaged copy of the user database was moved aside earlier and is kept in the data directory:{' '}
          {earlier.map((name, i) => (
            <span key={name}>
              {i > 0 && ', '}
              <b>{name}</b>
            </span>
          ))}
          . Run <code>mdsync db check</code> to see how many users each copy holds;{' '}
          <code>mdsync db restore --from FILE</code> puts one back. Remove the copies once you no longer need them.
        </Alert>
      )}
      {takeovers.length > 0 && (
        <Alert severity="info" sx={{ mb: 1 }} aria-label="Writer lock taken over">
          A lock of the user database (the writer's or the schedule's) was taken over from a process that had ended
          without releasing it (a crash or a restart):
          {takeovers.map((t) => (
            <Box component="span" key={t.at + t.message} sx={{ display: 'block' }}>
              {formatDate(t.at)}: {t.message}
            </Box>
          ))}
          Nothing is needed unless it happens often; the service log has the same lines.
        </Alert>
      )}
    </Box>
  );
}
