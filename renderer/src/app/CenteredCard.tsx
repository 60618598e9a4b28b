/** A small form card centred on the page, for first start and logon. */
import type { FormEvent, ReactNode } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';

interface Props {
  title: string;
  children: ReactNode;
  onSubmit: () => void;
}

/** A titled card holding one form; Enter submits it. */
export function CenteredCard({ title, children, onSubmit }: Props) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit();
  };
  return (
    <Box sx={{ flex: 1, display: 'grid', placeItems: 'center', p: 2 }}>
      <Paper
        component="form"
        aria-label={title}
        noValidate
        onSubmit={submit}
        sx={{ p: 3, width: 380, display: 'flex', flexDirection: 'column', gap: 1 }}
      >
        <Typography variant="h2" component="h1">
          {title}
        </Typography>
        {children}
      </Paper>
    </Box>
  );
}
