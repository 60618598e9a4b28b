/**
 * Integration and Connection: the directory service type, the MDaemon App directory (typed,
 * browsed or detected), share credentials for a UNC path, and the code page.
 */
import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import MenuItem from '@mui/material/MenuItem';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { CODE_PAGES, codePageHelp } from '../../../shared/code-pages';
import type { ChannelOutput } from '../../../shared/contract';
import type { AppError } from '../../../shared/result';
import { Section } from '../common/Section';
import { ErrorAlert } from '../common/ErrorAlert';
import { useAction } from '../lib/use-action';
import type { DirectoryForm } from './use-directory-form';
import { isUncPath } from './use-directory-form';
import type { OverviewState } from './use-overview';

interface Props {
  info: ChannelOutput<'app:info'>;
  dir: DirectoryForm;
  overview: OverviewState;
}

/** The Integration and Connection sections. */
export function ConnectionSection({ info, dir, overview }: Props) {
  const { form, update, view } = dir;
  const browse = useAction('mdaemon:browse');
  const detect = useAction('mdaemon:detect');
  const [tried, setTried] = useState<string[] | null>(null);
  const appDir = form?.directory.appDir ?? '';
  const { setError: setBrowseError } = browse;
  const { setError: setDetectError } = detect;
  // Errors of Browse and Detect belong to the path they were about.
  useEffect(() => {
    setBrowseError(null);
    setDetectError(null);
  }, [appDir, setBrowseError, setDetectError]);
  if (!form) return null;
  const d = form.directory;
  const unc = isUncPath(d.appDir);
  const needsShare = unc && !info.nativeUnc;
  // MDaemon is a Windows server: only a Windows machine can find its App directory locally.
  const canDetect = info.platform === 'win32';

  const onBrowse = async () => {
    const r = await browse.run({ start: d.appDir });
    if (r.ok && r.value.path) update('directory', { appDir: r.value.path });
  };
  const onDetect = async () => {
    setTried(null);
    const r = await detect.run({});
    if (!r.ok) return;
    if (r.value.appDir) update('directory', { appDir: r.value.appDir });
    else setTried(r.value.tried);
  };

  const dirError: AppError | null = overview.error;
  // In browser mode and the service, the path is read by the mdsync process, not by this browser.
  const remote = info.mode !== 'electron';
  const status = !d.appDir.trim()
    ? remote
      ? 'Enter the path of the App directory as the computer running mdsync sees it (the server, not this browser’s computer): it holds USERLIST.DAT and Groups.dat.'
      : 'Enter the path of the App directory, which holds USERLIST.DAT and Groups.dat.'
    : overview.loading
      ? 'Reading the App directory…'
      : overview.overview
        ? `${overview.overview.accountCount.toLocaleString()} accounts, ${overview.overview.domains.length} domains, ${overview.overview.groups.length} groups found.`
        : ' ';

  return (
    <>
      <Section title="Integration">
        <TextField
          select
          label="Directory service type"
          value={form.directory.type}
          onChange={() => undefined}
          sx={{ width: 320 }}
        >
          <MenuItem value="mdaemon">MDaemon USERLIST.DAT</MenuItem>
        </TextField>
      </Section>
      <Section title="Connection">
        <Box sx={{ display: 'flex', gap: 1, alignItems: 'flex-start' }}>
          <TextField
            label="MDaemon App Directory"
            placeholder={String.raw`C:\MDaemon\App or \\MDAEMON\MDApp`}
            value={d.appDir}
            onChange={(e) => update('directory', { appDir: e.target.value })}
            error={!!dirError}
            helperText={dirError ? dirError.message : status}
            slotProps={{ formHelperText: { role: dirError ? 'alert' : 'status' } as object }}
            sx={{ flex: 1 }}
            spellCheck={false}
          />
          {info.canBrowse && (
            <Button sx={{ mt: 1.25 }} onClick={() => void onBrowse()} disabled={browse.busy}>
              Browse…
            </Button>
          )}
          {canDetect && (
            <Button sx={{ mt: 1.25 }} onClick={() => void onDetect()} disabled={detect.busy}>
              Detect
            </Button>
          )}
        </Box>
        {(!info.canBrowse || !canDetect) && (
          <Typography variant="body2" color="text.secondary" sx={{ mt: 0.25 }}>
            {!info.canBrowse && !canDetect
              ? remote
                ? 'Browse… and Detect are only in the desktop app: a browser cannot look into the server’s folders or registry.'
                : 'Browse… and Detect need the desktop app on the Windows computer where MDaemon runs.'
              : !info.canBrowse
                ? 'Browse… is only in the desktop app: a browser cannot look into the server’s folders.'
                : 'Detect reads MDaemon’s place from the Windows registry: it needs the computer where MDaemon runs.'}
          </Typography>
        )}
        <ErrorAlert error={browse.error ?? detect.error} />
        {!d.appDir.trim() && info.sampleAppDir && (
          <Alert
            severity="info"
            sx={{ my: 0.5 }}
            action={
              <Button
                size="small"
                onClick={() => update('directory', { appDir: info.sampleAppDir ?? '', codePage: 'cp1252' })}
              >
                Use sample data
              </Button>
            }
          >
            No MDaemon at hand? Try mdsync with a small fictional App directory (15 accounts, 3 domains, 4 groups).
          </Alert>
        )}
        {tried && (
          <Alert severity="info" onClose={() => setTried(null)} sx={{ my: 0.5 }}>
            No MDaemon App directory was found.
            {tried.length > 0 && (
              <>
                {' '}
                Looked in:
                <Box component="ul" sx={{ m: 0, pl: 2 }}>
                  {tried.map((t) => (
                    <li key={t}>
                      <code>{t}</code>
                    </li>
                  ))}
                </Box>
              </>
            )}
          </Alert>
        )}
        {needsShare && (
          <Box sx={{ mt: 0.5, p: 1, bgcolor: 'app.surface', borderRadius: 1 }}>
            <Typography variant="body2" color="text.secondary">
              This is a network share. Enter an account that may read it.
            </Typography>
            <Box sx={{ display: 'flex', gap: 1, flexWrap: 'wrap' }}>
              <TextField
                label="Share domain"
                value={d.share.domain}
                onChange={(e) => update('directory', { share: { ...d.share, domain: e.target.value } })}
                sx={{ flex: 1, minWidth: 140 }}
              />
              <TextField
                label="Share user name"
                autoComplete="off"
                value={d.share.userName}
                onChange={(e) => update('directory', { share: { ...d.share, userName: e.target.value } })}
                sx={{ flex: 1, minWidth: 140 }}
              />
              <TextField
                label="Share password"
                type="password"
                autoComplete="new-password"
                value={dir.sharePassword}
                onChange={(e) => dir.setSharePassword(e.target.value)}
                placeholder={view?.sharePasswordStored ? '(stored)' : ''}
                helperText={
                  dir.sharePassword
                    ? view?.secretStoreUnavailable
                      ? 'Kept in memory only, see below.'
                      : 'Will be stored on Save.'
                    : view?.sharePasswordStored
                      ? 'A password is stored. Type to replace it.'
                      : 'No password stored.'
                }
                sx={{ flex: 1, minWidth: 160 }}
              />
            </Box>
            {view?.secretStoreUnavailable && (
              <Alert severity="warning" sx={{ mt: 0.5 }}>
                The share password cannot be stored here: {view.secretStoreUnavailable}
              </Alert>
            )}
          </Box>
        )}
        <TextField
          select
          label="Code Page"
          value={d.codePage}
          onChange={(e) => update('directory', { codePage: e.target.value })}
          helperText={codePageHelp({
            platform: info.platform,
            defaultCodePage: info.defaultCodePage,
            onServer: remote,
          })}
          sx={{ width: 420, mt: 1 }}
        >
          {d.codePage === '' && <MenuItem value="">System default</MenuItem>}
          {CODE_PAGES.map((c) => (
            <MenuItem key={c.id} value={c.id}>
              {c.label}
            </MenuItem>
          ))}
        </TextField>
      </Section>
    </>
  );
}
