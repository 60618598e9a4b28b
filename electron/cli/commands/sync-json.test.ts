import { describe, expect, it } from 'vitest';
import type { SyncReport } from '../../../shared/model';
import { reportJson, writeReportJson } from './sync';

const report = (n: number): SyncReport => ({
  dryRun: false,
  summary: { create: n, update: 0, delete: 0, unchanged: 0, skip: 0, held: 0 },
  changes: Array.from({ length: n }, (_, i) => ({
    action: 'create' as const,
    userName: `user${i}@example.test`,
    fullName: `User "${i}"`,
    emailAddresses: [`user${i}@example.test`],
    reason: 'new MDaemon account',
  })),
  warnings: [{ file: 'USERLIST.DAT', line: 3, message: 'a warning' }],
  runId: 7,
});

describe('the JSON report written in pieces', () => {
  it('is the contract document, one change per line, across many pieces', () => {
    const r = report(1201);
    const pieces: string[] = [];
    writeReportJson(r, (t) => pieces.push(t));
    expect(pieces.length).toBeGreaterThan(3);
    const text = pieces.join('');
    expect(JSON.parse(text)).toEqual(r);
    expect(text.split('\n').filter((l) => l.startsWith('    {"action":"create"'))).toHaveLength(1201);
    expect(text.endsWith('"runId": 7\n}\n')).toBe(true);
    expect(reportJson(r)).toBe(text);
  });

  it('writes empty lists as []', () => {
    const text = reportJson({ ...report(0), warnings: [], runId: null });
    expect(text).toBe(
      '{\n  "dryRun": false,\n  "summary": {"create":0,"update":0,"delete":0,"unchanged":0,"skip":0,"held":0},\n  "changes": [],\n  "warnings": [],\n  "runId": null\n}\n',
    );
  });
});
