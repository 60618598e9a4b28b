/**
 * The Directory Services form: the settings being edited, the saved baseline, and the share
 * password typed in this session (sent with probes and on save, never read back).
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { ChannelOutput, ChannelParsedInput } from '../../../shared/contract';
import type { Settings } from '../../../shared/settings';
import { findCodePage } from '../../../shared/code-pages';
import type { AppError } from '../../../shared/result';
import { call } from '../lib/call';

type SettingsView = ChannelOutput<'settings:get'>;
type AppInfo = ChannelOutput<'app:info'>;

/** A path the OS would have to read over SMB: `\\server\share` or `//server/share`. */
export function isUncPath(path: string): boolean {
  return /^(\\\\|\/\/)/.test(path.trim());
}

/** Preselects the app's default code page where settings name none. */
function normalize(settings: Settings, defaultCodePage: string): Settings {
  if (settings.directory.codePage) return settings;
  const fallback = findCodePage(defaultCodePage)?.id ?? '';
  return { ...settings, directory: { ...settings.directory, codePage: fallback } };
}

/** Everything the screen needs from the form. */
export interface DirectoryForm {
  form: Settings | null;
  view: SettingsView | null;
  loadError: AppError | null;
  reload: () => void;
  sharePassword: string;
  setSharePassword: (value: string) => void;
  /** The SMTP password typed for Notifications; '' = keep the stored one. */
  smtpPassword: string;
  setSmtpPassword: (value: string) => void;
  update: <K extends Exclude<keyof Settings, 'version'>>(key: K, patch: Partial<Settings[K]>) => void;
  /** Replaces the form with the saved view's settings (after Save). */
  accept: (view: SettingsView) => void;
  dirty: boolean;
  /** The settings plus share password, as the probing channels take them. */
  probe: ChannelParsedInput<'sync:test'> | null;
  /** What Save sends: the probe plus a typed SMTP password. */
  saveInput: ChannelParsedInput<'settings:save'> | null;
}

/**
 * Loads settings:get and keeps the edited copy. The settings are read again only when asked
 * (reload, Save), never because app:info was read again (after first start it is): what the
 * administrator typed meanwhile stays.
 */
export function useDirectoryForm(info: AppInfo): DirectoryForm {
  const defaultCodePage = info.defaultCodePage;
  const [view, setView] = useState<SettingsView | null>(null);
  const [baseline, setBaseline] = useState<Settings | null>(null);
  const [form, setForm] = useState<Settings | null>(null);
  const [sharePassword, setSharePassword] = useState('');
  const [smtpPassword, setSmtpPassword] = useState('');
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [tick, setTick] = useState(0);

  const accept = useCallback(
    (v: SettingsView) => {
      const s = normalize(v.settings, defaultCodePage);
      setView(v);
      setBaseline(s);
      setForm(s);
      setSharePassword('');
      setSmtpPassword('');
    },
    [defaultCodePage],
  );

  useEffect(() => {
    let live = true;
    void call('settings:get', {}).then((r) => {
      if (!live) return;
      if (r.ok) {
        setLoadError(null);
        accept(r.value);
      } else setLoadError(r.error);
    });
    return () => {
      live = false;
    };
  }, [accept, tick]);

  const update = useCallback(
    <K extends Exclude<keyof Settings, 'version'>>(key: K, patch: Partial<Settings[K]>) =>
      setForm((f) => (f ? { ...f, [key]: { ...f[key], ...patch } } : f)),
    [],
  );

  const dirty = useMemo(
    () => sharePassword !== '' || smtpPassword !== '' || JSON.stringify(form) !== JSON.stringify(baseline),
    [form, baseline, sharePassword, smtpPassword],
  );

  const probe = useMemo(
    () => (form ? { settings: form, sharePassword: sharePassword === '' ? null : sharePassword } : null),
    [form, sharePassword],
  );
  const saveInput = useMemo(
    () => (probe ? { ...probe, smtpPassword: smtpPassword === '' ? null : smtpPassword } : null),
    [probe, smtpPassword],
  );

  return {
    form,
    view,
    loadError,
    reload: () => setTick((t) => t + 1),
    sharePassword,
    setSharePassword,
    smtpPassword,
    setSmtpPassword,
    update,
    accept,
    dirty,
    probe,
    saveInput,
  };
}
