/** Screenshots of the main screens, kept under e2e/artifacts/<project>/<spec>/ and attached to the report. */
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { ROOT } from './web-app';

/** A function that saves a named screenshot of the page. */
export type Shot = (name: string) => Promise<void>;

/** Screenshots numbered in the order taken, e.g. `chromium/browser-mode/03-test-settings.png`; a rerun replaces them. */
export function screenshotter(page: Page, testInfo: TestInfo): Shot {
  const dir = path.join(ROOT, 'e2e/artifacts', testInfo.project.name, path.basename(testInfo.file, '.spec.ts'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  let n = 0;
  return async (name) => {
    const file = path.join(dir, `${String(++n).padStart(2, '0')}-${name}.png`);
    await page.screenshot({ path: file });
    await testInfo.attach(name, { path: file, contentType: 'image/png' });
  };
}
