import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Change } from '../../../../shared/model';
import { defaultSettings } from '../../../../shared/settings';
import { applyPlan } from './apply';
import { appliedCreateReason as appliedReason } from '../../sync/plan';
import { dataFiles } from '../../paths';
import { SqliteRepository } from './repository';
import { looksWhole } from './db-file';
import { deflateChanges, insertRun } from './history-store';
import { userRules } from '../../users/user-rules';

// Enough users for several chunks of every bulk statement and a reservation of room.
const COUNT = 5555;
let dir: string;
const open = () => SqliteRepository.open({ dataDir: dir, lock: { waitMs: 200 } });
const defaults = defaultSettings().defaultPrivileges;

const create = (i: number): Change => ({
  action: 'create',
  userName: `user${i}@bulk.test`,
  fullName: `Bulk User ${i}`,
  emailAddresses: [`user${i}@bulk.test`, `alias${i}@bulk.test`],
  reason: 'new MDaemon account',
});

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mdsync-bulk-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function syncCreates(repo: SqliteRepository, changes: Change[]): Promise<number> {
  return repo.transaction((sql, now) => {
    const applied = applyPlan(sql, now, { changes: changes, defaults, appliedReason });
    const summary = { create: changes.length, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 };
    return insertRun(
      sql,
      { startedAt: now, finishedAt: now, actor: 'test', dryRun: false, status: 'applied', summary, message: null },
      applied,
    );
  });
}

function integrity(repo: SqliteRepository): string {
  return String(repo.connection.reader().one('PRAGMA integrity_check')?.[0]);
}

describe('a synchronization of many users', () => {
  it('stores every user, address, folder and history line, and writes an exact, whole file', async () => {
    const repo = await open();
    const changes = Array.from({ length: COUNT }, (_, i) => create(i));
    const runId = await syncCreates(repo, changes);

    const current = await repo.currentUsers();
    expect(current).toHaveLength(COUNT + 1);
    expect(current[COUNT]).toEqual({
      userName: `user${COUNT - 1}@bulk.test`,
      fullName: `Bulk User ${COUNT - 1}`,
      authentication: 'directoryServices',
      emailAddresses: [`user${COUNT - 1}@bulk.test`, `alias${COUNT - 1}@bulk.test`],
    });
    expect(await repo.getUser('USER4444@bulk.test')).toMatchObject({
      emailAddresses: ['user4444@bulk.test', 'alias4444@bulk.test'],
      privileges: defaults.privileges,
      folderAccess: [{ folder: 'user4444@bulk.test', read: true, write: false, delete: false }],
    });
    expect(await repo.listFolders()).toHaveLength(COUNT + 1);
    expect(await repo.runChanges(runId)).toEqual(changes);
    expect(integrity(repo)).toBe('ok');

    const bytes = fs.readFileSync(dataFiles(dir).database);
    expect(looksWhole(bytes)).toBe(true);
    const pages = repo.connection.reader().one('PRAGMA page_count')?.[0] as number;
    expect(bytes.length).toBe(pages * 4096);
    await repo.close();

    // read back from disk (with room after the image), changed and read back again
    const again = await open();
    expect(await again.currentUsers()).toHaveLength(COUNT + 1);
    await userRules(again).createUser({ userName: 'late@bulk.test', fullName: 'Late' });
    await syncCreates(again, [create(COUNT), create(COUNT + 1)]);
    await again.close();
    const third = await open();
    expect(await third.currentUsers()).toHaveLength(COUNT + 4);
    expect(integrity(third)).toBe('ok');
    await third.close();
  });

  it('changes nothing, in memory or on disk, when the transaction fails after making room', async () => {
    const repo = await open();
    const before = fs.readFileSync(dataFiles(dir).database);
    const changes = Array.from({ length: COUNT }, (_, i) => create(i));
    await expect(
      repo.transaction((sql, now) => {
        applyPlan(sql, now, { changes: changes, defaults, appliedReason });
        throw new Error('stop');
      }),
    ).rejects.toThrow('stop');
    expect(await repo.currentUsers()).toHaveLength(1);
    expect(fs.readFileSync(dataFiles(dir).database).equals(before)).toBe(true);
    await syncCreates(repo, changes.slice(0, 3));
    expect(await repo.currentUsers()).toHaveLength(4);
    expect(integrity(repo)).toBe('ok');
    await repo.close();
  });

  it('updates full names and addresses across chunks', async () => {
    const repo = await open();
    await syncCreates(
      repo,
      Array.from({ length: 2500 }, (_, i) => create(i)),
    );
    const updates: Change[] = Array.from({ length: 2500 }, (_, i) => ({
      ...create(i),
      action: 'update',
      fullName: `Renamed ${i}`,
      emailAddresses: [`user${i}@bulk.test`],
    }));
    await repo.transaction((sql, now) => applyPlan(sql, now, { changes: updates, defaults, appliedReason }));
    expect(await repo.getUser('user2499@bulk.test')).toMatchObject({
      fullName: 'Renamed 2499',
      emailAddresses: ['user2499@bulk.test'],
    });
    expect((await repo.currentUsers()).filter((u) => u.fullName.startsWith('Renamed'))).toHaveLength(2500);
    await repo.close();
  });
});

describe('the history blob', () => {
  it('is one raw deflate stream of the JSON array, made piece by piece', () => {
    const changes = Array.from({ length: 4500 }, (_, i) => create(i));
    const blob = deflateChanges(changes);
    expect(zlib.inflateRawSync(blob).toString('utf8')).toBe(JSON.stringify(changes));
    expect(zlib.inflateRawSync(deflateChanges([])).toString('utf8')).toBe('[]');
  });
});
