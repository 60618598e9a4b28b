/**
 * The systemd unit as systemd reads it: an empty assignment clears a list setting, later lines add
 * to it. Uncommenting the port-443 lines must leave the service CAP_NET_BIND_SERVICE.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const UNIT = path.resolve(__dirname, '../../build-resources/service/mdsync.service');

/** The effective value of a list setting of the [Service] section. */
function effective(text: string, key: string): string[] {
  let list: string[] = [];
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${key}=(.*)$`).exec(line.trim());
    if (m) list = m[1]!.trim() === '' ? [] : [...list, ...m[1]!.trim().split(/\s+/)];
  }
  return list;
}

describe('the systemd unit', () => {
  it('has no capabilities as shipped, and CAP_NET_BIND_SERVICE once the port-443 lines are uncommented', () => {
    const shipped = fs.readFileSync(UNIT, 'utf8');
    expect(effective(shipped, 'CapabilityBoundingSet')).toEqual([]);
    expect(effective(shipped, 'AmbientCapabilities')).toEqual([]);
    const port443 = shipped.replace(/^#((?:CapabilityBoundingSet|AmbientCapabilities)=CAP_NET_BIND_SERVICE)$/gm, '$1');
    expect(port443).not.toBe(shipped);
    expect(effective(port443, 'CapabilityBoundingSet')).toEqual(['CAP_NET_BIND_SERVICE']);
    expect(effective(port443, 'AmbientCapabilities')).toEqual(['CAP_NET_BIND_SERVICE']);
  });
});
