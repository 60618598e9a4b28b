/** A sentence with a short number field in it ("every [4] hours"), its help or error after it. */
import Box from '@mui/material/Box';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';

interface Props {
  id: string;
  /** The words before the field (its label). */
  before: string;
  /** The words after it. */
  after: string;
  /** The field's accessible name: the sentence with … for the number. */
  ariaLabel: string;
  /** Text and error of a useParsedText. */
  field: { text: string; error: string | null; onText: (text: string) => void };
  help: string;
}

/** The field. */
export function InlineNumberField({ id, before, after, ariaLabel, field, help }: Props) {
  return (
    <Box sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
      <Typography component="label" htmlFor={id}>
        {before}
      </Typography>
      <TextField
        id={id}
        value={field.text}
        onChange={(e) => field.onText(e.target.value)}
        error={!!field.error}
        sx={{ width: 80 }}
        slotProps={{ htmlInput: { 'aria-label': ariaLabel, inputMode: 'numeric' } }}
      />
      <Typography>{after}</Typography>
      <Typography
        variant="body2"
        color={field.error ? 'error' : 'text.secondary'}
        role={field.error ? 'alert' : undefined}
      >
        {field.error ?? help}
      </Typography>
    </Box>
  );
}
