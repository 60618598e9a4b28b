import { describe, expect, it } from 'vitest';
import { parseScrape, valueOf } from './testing/metrics-reader';
import { CheckGate } from './auth/check-gate';
import { countRefusals, countRun, createMetrics } from './metrics';

describe('service metrics', () => {
  it('count a run by kind, trigger and result with its changes, never naming who ran it', async () => {
    const m = createMetrics();
    const summary = { create: 3, update: 2, delete: 1, held: 4, skip: 5 };
    countRun(m, { dryRun: false, actor: 'schedule', result: 'applied', seconds: 0.5, summary });
    countRun(m, { dryRun: true, actor: 'alice', result: 'failed', seconds: 0.1 });
    const s = parseScrape(await m.text());
    expect(valueOf(s, 'mdsync_sync_runs_total', { kind: 'sync', trigger: 'schedule', result: 'applied' })).toBe(1);
    expect(valueOf(s, 'mdsync_sync_runs_total', { kind: 'test', trigger: 'user', result: 'failed' })).toBe(1);
    expect(valueOf(s, 'mdsync_sync_changes_total', { kind: 'sync', change: 'held' })).toBe(4);
    expect(valueOf(s, 'mdsync_sync_changes_total', { kind: 'sync', change: 'skipped' })).toBe(5);
    expect(await m.text()).not.toContain('alice');
  });

  it('read the sessions and the pool when scraped', async () => {
    const m = createMetrics();
    let open = 2;
    m.sessionsFrom(() => open);
    m.poolFrom(() => ({ total: 4, idle: 3, waiting: 0 }));
    open = 5;
    const s = parseScrape(await m.text());
    expect(valueOf(s, 'mdsync_sessions_open')).toBe(5);
    expect(valueOf(s, 'mdsync_db_pool_connections', { state: 'idle' })).toBe(3);
  });

  it('count the check gate’s refusals for load', async () => {
    const m = createMetrics();
    const gate = countRefusals(new CheckGate(1, 0), m);
    let release!: () => void;
    const first = gate.run(() => new Promise<void>((r) => (release = r)));
    expect(await gate.run(() => Promise.resolve())).toEqual({ ran: false, why: 'busy' });
    release();
    await first;
    expect(valueOf(parseScrape(await m.text()), 'mdsync_password_checks_refused_total')).toBe(1);
  });
});
