/** My Archive: a user's own archive folder, its message count and latest messages. */
import { useState } from 'react';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Table from '@mui/material/Table';
import TableBody from '@mui/material/TableBody';
import TableCell from '@mui/material/TableCell';
import TableContainer from '@mui/material/TableContainer';
import TableHead from '@mui/material/TableHead';
import TableRow from '@mui/material/TableRow';
import Typography from '@mui/material/Typography';
import LinearProgress from '@mui/material/LinearProgress';
import type { SessionUser } from '../../../shared/model';
import { ErrorAlert } from '../common/ErrorAlert';
import { useQuery } from '../lib/use-query';
import { formatDate, formatSize } from '../lib/format';
import { ChangePasswordDialog } from './ChangePasswordDialog';

interface Props {
  user: SessionUser;
}

/** The screen a user without the admin privilege lands on. */
export function MyArchiveScreen({ user }: Props) {
  const mine = useQuery('archive:mine', {});
  const [changing, setChanging] = useState(false);
  const [changed, setChanged] = useState(false);
  const canChangePassword = user.authentication === 'integrated' && user.privileges.includes('changePassword');

  return (
    <Box sx={{ p: 2, overflow: 'auto' }}>
      <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
        <Typography variant="h1" sx={{ flex: 1 }}>
          My Archive
        </Typography>
        {canChangePassword && <Button onClick={() => setChanging(true)}>Change Password</Button>}
      </Box>
      {changed && (
        <Typography role="status" color="success.main" sx={{ mb: 1 }}>
          Your password was changed.
        </Typography>
      )}
      {mine.loading && <LinearProgress aria-label="Loading your archive" />}
      <ErrorAlert error={mine.error} />
      {mine.data && (
        <>
          <Paper sx={{ p: 1.5, mb: 1.5, display: 'flex', gap: 4 }}>
            <Box>
              <Typography variant="caption" color="text.secondary">
                Archive folder
              </Typography>
              <Typography aria-label="Archive folder">{mine.data.folder}</Typography>
            </Box>
            <Box>
              <Typography variant="caption" color="text.secondary">
                Messages
              </Typography>
              <Typography aria-label="Message count">{mine.data.messages.toLocaleString()}</Typography>
            </Box>
          </Paper>
          <Typography variant="h3" component="h2" sx={{ mb: 0.5 }}>
            Latest archived messages
          </Typography>
          <TableContainer component={Paper}>
            <Table aria-label="Latest archived messages">
              <TableHead>
                <TableRow>
                  <TableCell>Subject</TableCell>
                  <TableCell>From</TableCell>
                  <TableCell>Date</TableCell>
                  <TableCell align="right">Size</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {mine.data.latest.length === 0 && (
                  <TableRow>
                    <TableCell colSpan={4} sx={{ color: 'text.secondary' }}>
                      No messages archived yet.
                    </TableCell>
                  </TableRow>
                )}
                {mine.data.latest.map((m, i) => (
                  <TableRow key={i} hover>
                    <TableCell>{m.subject || '(no subject)'}</TableCell>
                    <TableCell>{m.from}</TableCell>
                    <TableCell>{formatDate(m.date)}</TableCell>
                    <TableCell align="right">{formatSize(m.size)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </TableContainer>
        </>
      )}
      <ChangePasswordDialog
        userName={user.userName}
        open={changing}
        onClose={(done) => {
          setChanging(false);
          if (done) setChanged(true);
        }}
      />
    </Box>
  );
}
