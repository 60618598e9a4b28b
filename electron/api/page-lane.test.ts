import { describe, expect, it } from 'vitest';
import { pageLane } from './page-lane';

describe('the page lane', () => {
  it('runs reads at most `width` at once, in order, and lets other work in between', async () => {
    const lane = pageLane(1);
    const order: string[] = [];
    const reads = [1, 2, 3].map((n) =>
      lane.run(() => {
        order.push(`page ${n}`);
        // Something arriving while page 1 is read (a logon) runs before page 2.
        if (n === 1) setImmediate(() => order.push('logon'));
        return n;
      }),
    );
    expect(lane.pending).toBe(3);
    expect(await Promise.all(reads)).toEqual([1, 2, 3]);
    expect(order).toEqual(['page 1', 'logon', 'page 2', 'page 3']);
    expect(lane.pending).toBe(0);
  });

  it('passes a failed read on and goes on with the next', async () => {
    const lane = pageLane(2);
    const failed = lane.run(() => Promise.reject(new Error('gone')));
    await expect(failed).rejects.toThrow('gone');
    expect(await lane.run(() => 'next')).toBe('next');
  });
});
