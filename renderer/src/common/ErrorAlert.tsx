/** An inline error next to the action that failed; renders nothing without an error. */
import Alert from '@mui/material/Alert';
import type { SxProps, Theme } from '@mui/material/styles';
import type { AppError } from '../../../shared/result';

interface Props {
  error: AppError | null | undefined;
  onClose?: () => void;
  sx?: SxProps<Theme>;
}

/** Shows `error.message` as an error Alert. */
export function ErrorAlert({ error, onClose, sx }: Props) {
  if (!error) return null;
  return (
    <Alert severity="error" onClose={onClose} sx={{ my: 0.5, ...sx }} role="alert">
      {error.message}
    </Alert>
  );
}
