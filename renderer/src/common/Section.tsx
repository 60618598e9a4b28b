/** A titled group of settings, as the classic dialog's frames: a fieldset with a legend. */
import type { ReactNode } from 'react';
import Box from '@mui/material/Box';
import Paper from '@mui/material/Paper';
import Typography from '@mui/material/Typography';

interface Props {
  title: string;
  children: ReactNode;
  /** Extra controls at the right of the title. */
  actions?: ReactNode;
}

/** A Paper with a heading; a region named by its title for assistive technology. */
export function Section({ title, children, actions }: Props) {
  const id = `section-${title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return (
    <Paper component="section" aria-labelledby={id} sx={{ p: 1.5, mb: 1.5 }}>
      <Box sx={{ display: 'flex', alignItems: 'center', mb: 0.5 }}>
        <Typography id={id} variant="h3" component="h3" sx={{ flex: 1 }}>
          {title}
        </Typography>
        {actions}
      </Box>
      {children}
    </Paper>
  );
}
