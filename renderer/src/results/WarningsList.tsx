/** The problems found in the MDaemon files, each with its file and line. */
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import type { SourceWarning } from '../../../shared/model';

interface Props {
  warnings: readonly SourceWarning[];
  /** At most this many are listed; the rest are counted. */
  max?: number;
  /** Height in pixels beyond which the list scrolls. */
  maxHeight?: number;
}

/**
 * "Warnings (N)" and the list, then "Notes (N)": what the reader read as usual but tells about
 * (a missing last CR LF, line framing, a wildcard alias). Nothing when there are none.
 */
export function WarningsList({ warnings, max = 500, maxHeight = 180 }: Props) {
  const notes = warnings.filter((w) => w.level === 'note');
  const real = notes.length === 0 ? warnings : warnings.filter((w) => w.level !== 'note');
  return (
    <>
      <Entries title="Warnings" severity="warning" entries={real} max={max} maxHeight={maxHeight} />
      <Entries title="Notes" severity="info" entries={notes} max={max} maxHeight={maxHeight} />
    </>
  );
}

function Entries({
  title,
  severity,
  entries,
  max,
  maxHeight,
}: {
  title: string;
  severity: 'warning' | 'info';
  entries: readonly SourceWarning[];
  max: number;
  maxHeight: number;
}) {
  if (entries.length === 0) return null;
  const shown = entries.slice(0, max);
  return (
    <Box component="section" aria-label={title} sx={{ flexShrink: 0 }}>
      <Typography variant="h3" component="h4" sx={{ mb: 0.5 }}>
        {title} ({entries.length.toLocaleString()})
      </Typography>
      <Alert severity={severity} icon={false} sx={{ maxHeight, overflow: 'auto', display: 'block' }}>
        <Box component="ul" sx={{ m: 0, pl: 2 }}>
          {shown.map((w, i) => (
            <li key={i}>
              <b>
                {w.file}
                {w.line !== null ? `, line ${w.line}` : ''}
              </b>
              : {w.message}
            </li>
          ))}
        </Box>
        {entries.length > max && (
          <Typography variant="body2">… and {(entries.length - max).toLocaleString()} more.</Typography>
        )}
      </Alert>
    </Box>
  );
}
