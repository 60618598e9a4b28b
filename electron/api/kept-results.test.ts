import { describe, expect, it } from 'vitest';
import type { Change } from '../../shared/model';
import { pageOf, viewPositions } from '../../shared/results-page';
import { KeptResults } from './kept-results';
import type { Session } from '../app/session';

const change = (i: number, action: Change['action'] = 'create'): Change => ({
  action,
  userName: `user${String(i).padStart(5, '0')}@d.example`,
  fullName: `User ${i}`,
  emailAddresses: [`user${String(i).padStart(5, '0')}@d.example`],
  reason: 'new MDaemon account',
});
const admin = (): Session => ({ user: { userName: 'admin', privileges: ['admin'] } as never });
const view = { action: 'all', search: '', sort: 'plan', descending: false } as const;

describe('a run’s results a page at a time', () => {
  const changes = [...Array.from({ length: 250 }, (_, i) => change(i)), change(7, 'update'), change(300, 'delete')];

  it('pages the plan order, filters by action, searches and sorts', () => {
    expect(viewPositions(changes, view)).toBeNull();
    const first = pageOf(changes, null, 0, 100);
    expect(first.rows).toHaveLength(100);
    expect(first).toMatchObject({ total: 252, all: 252 });
    expect(pageOf(changes, null, 200, 100).rows).toHaveLength(52);

    const deletes = viewPositions(changes, { ...view, action: 'delete' });
    expect(pageOf(changes, deletes, 0, 100)).toEqual({ rows: [changes[251]], total: 1, all: 252 });

    const found = viewPositions(changes, { ...view, search: 'USER00007' });
    expect(pageOf(changes, found, 0, 10).rows.map((c) => c.action)).toEqual(['create', 'update']);

    const byAction = pageOf(changes, viewPositions(changes, { ...view, sort: 'action', descending: true }), 0, 3);
    expect(byAction.rows.map((c) => c.action)).toEqual(['delete', 'update', 'create']);
    const byName = pageOf(changes, viewPositions(changes, { ...view, sort: 'userName', descending: true }), 0, 1);
    expect(byName.rows[0]!.userName).toBe('user00300@d.example');
  });

  it('keeps one run per session, at most `max` in all, and forgets a session that logged off', () => {
    const kept = new KeptResults({ max: 2 });
    const a = admin();
    const b = admin();
    const c = admin();
    const first = kept.keep(a, changes);
    const second = kept.keep(a, changes.slice(0, 3));
    expect(kept.size).toBe(1);
    expect(() => kept.page(a, first, view, 0, 10)).toThrow(/no longer kept/);
    expect(kept.page(a, second, view, 0, 10).total).toBe(3);
    // Another session cannot read it, even with the key.
    expect(() => kept.page(b, second, view, 0, 10)).toThrow(/no longer kept/);

    kept.keep(b, changes);
    kept.keep(c, changes);
    expect(kept.size).toBe(2);
    expect(() => kept.page(a, second, view, 0, 10)).toThrow(/no longer kept/);

    b.user = null; // logged off
    kept.sweep();
    expect(kept.size).toBe(1);
    kept.clear();
  });

  it("keeps a session's opened past run beside its last run: opening another replaces only that one", () => {
    const kept = new KeptResults({ max: 4 });
    const a = admin();
    const run = kept.keep(a, changes);
    const past = kept.keep(a, changes.slice(0, 5), 'history');
    expect(kept.size).toBe(2);
    expect(kept.page(a, run, view, 0, 10).total).toBe(252);
    expect(kept.page(a, past, view, 0, 10).total).toBe(5);
    const other = kept.keep(a, changes.slice(0, 2), 'history');
    expect(() => kept.page(a, past, view, 0, 10)).toThrow(/no longer kept/);
    expect(kept.page(a, other, view, 0, 10).total).toBe(2);
    expect(kept.page(a, run, view, 0, 10).total).toBe(252);
    kept.drop(a);
    expect(() => kept.page(a, run, view, 0, 10)).toThrow(/no longer kept/);
    expect(kept.page(a, other, view, 0, 10).total).toBe(2);
    kept.clear();
  });
});
