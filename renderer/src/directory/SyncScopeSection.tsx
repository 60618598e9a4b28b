/** User Database Synchronization: which MDaemon groups and domains are in scope. */
import Box from '@mui/material/Box';
import type { Settings } from '../../../shared/settings';
import { Section } from '../common/Section';
import { Checklist } from './Checklist';
import type { OverviewState } from './use-overview';

interface Props {
  sync: Settings['sync'];
  onChange: (patch: Partial<Settings['sync']>) => void;
  overview: OverviewState;
}

/** The groups and domains checklists, filled from the App directory's overview. */
export function SyncScopeSection({ sync, onChange, overview }: Props) {
  const o = overview.overview;
  const empty = overview.loading
    ? 'Reading the App directory…'
    : o
      ? null
      : 'Shown once the App directory can be read.';
  return (
    <Section title="User Database Synchronization">
      <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }}>
        <Checklist
          legend="MDaemon Groups"
          items={o?.groups.map((g) => ({ name: g.name, count: g.members, description: g.description })) ?? []}
          selected={sync.groups}
          onChange={(groups) => onChange({ groups })}
          countUnit="members"
          noneHelper="None selected: all users"
          emptyText={empty ?? 'The App directory has no groups.'}
        />
        <Checklist
          legend="Domains"
          items={o?.domains.map((d) => ({ name: d.name, count: d.accounts })) ?? []}
          selected={sync.domains}
          onChange={(domains) => onChange({ domains })}
          countUnit="accounts"
          noneHelper="None selected: all domains"
          emptyText={empty ?? 'The App directory has no domains.'}
        />
      </Box>
    </Section>
  );
}
