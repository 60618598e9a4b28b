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

/** "Warnings (N)" and the list; nothing when there are none. */
export function WarningsList({ warnings, max = 500, maxHeight = 180 }: Props) {
  if (warnings.length === 0) return null;
  const shown = warnings.slice(0, max);
  return (
    <Box component="section" aria-label="Warnings" sx={{ flexShrink: 0 }}>
      <Typography variant="h3" component="h4" sx={{ mb: 0.5 }}>
        Warnings ({warnings.length.toLocaleString()})
      </Typography>
      <Alert severity="warning" icon={false} sx={{ maxHeight, overflow: 'auto', display: 'block' }}>
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
        {warnings.length > max && (
          <Typography variant="body2">… and {(warnings.length - max).toLocaleString()} more.</Typography>
        )}
      </Alert>
    </Box>
  );
}
