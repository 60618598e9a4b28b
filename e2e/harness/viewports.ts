/** The window sizes every issue-18 check runs at, and the "no sideways scrolling" check of the small one. */
import { expect, type Page } from '@playwright/test';

/** A named viewport. */
export interface Viewport {
  readonly name: string;
  readonly width: number;
  readonly height: number;
}

/** 1280×800 (a usual laptop) and 1024×700 (a small window). */
export const VIEWPORTS: readonly Viewport[] = [
  { name: '1280x800', width: 1280, height: 800 },
  { name: '1024x700', width: 1024, height: 700 },
];

/**
 * Fails when the page, or any element that scrolls, scrolls sideways: the document is wider than
 * the window, or an element with overflow-x auto/scroll is wider than its box. Names the culprits.
 */
export async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const wide = await page.evaluate(() => {
    const out: string[] = [];
    const root = document.scrollingElement ?? document.documentElement;
    if (root.scrollWidth > root.clientWidth + 1) out.push(`document (${root.scrollWidth} > ${root.clientWidth})`);
    for (const el of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const style = getComputedStyle(el);
      if (!/(auto|scroll)/.test(style.overflowX)) continue;
      if (el.scrollWidth > el.clientWidth + 1) {
        const name = el.getAttribute('aria-label') ?? el.getAttribute('role') ?? el.tagName.toLowerCase();
        out.push(`${name}.${el.className.toString().split(' ')[0] ?? ''} (${el.scrollWidth} > ${el.clientWidth})`);
      }
    }
    return out;
  });
  expect(wide, 'nothing scrolls sideways').toEqual([]);
}
