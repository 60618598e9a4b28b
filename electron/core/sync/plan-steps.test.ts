import { describe, expect, it } from 'vitest';
import { PLAN_STEP, type CurrentUser, planSteps, planSync } from './plan';
import { account, directory, settingsWith } from './testing/fixtures';

describe('the plan in steps', () => {
  const n = PLAN_STEP * 3 + 17;
  const read = directory(Array.from({ length: n }, (_, i) => account(`u${String(i).padStart(6, '0')}@d.test`)));
  const current: CurrentUser[] = [
    {
      userName: 'u000001@d.test',
      fullName: 'Changed',
      emailAddresses: ['u000001@d.test'],
      authentication: 'directoryServices',
    },
    { userName: 'gone@d.test', fullName: 'Gone', emailAddresses: ['gone@d.test'], authentication: 'directoryServices' },
  ];
  const settings = settingsWith({ deleteUsers: true, deleteLimit: null });

  it('says where it stands every PLAN_STEP accounts and ends with the plan planSync makes', () => {
    const steps = planSteps(read, settings, current);
    const seen: { done: number; total: number }[] = [];
    let r = steps.next();
    for (; !r.done; r = steps.next()) seen.push(r.value);
    expect(seen[0]).toEqual({ done: 0, total: n });
    expect(seen.slice(1, -1).map((s) => s.done)).toEqual([PLAN_STEP, PLAN_STEP * 2, PLAN_STEP * 3]);
    expect(seen[seen.length - 1]).toEqual({ done: n, total: n });
    expect(r.value).toEqual(planSync(read, settings, current));
    expect(r.value.summary).toMatchObject({ create: n - 1, update: 1, delete: 1 });
  });
});
