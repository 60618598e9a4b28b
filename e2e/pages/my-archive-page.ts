/** Page object: My Archive, where users without the admin privilege land. */
import { expect, type Locator, type Page } from '@playwright/test';

/** My Archive. */
export class MyArchivePage {
  readonly heading: Locator;
  readonly folder: Locator;
  readonly messageCount: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { level: 1, name: 'My Archive' });
    this.folder = page.getByLabel('Archive folder');
    this.messageCount = page.getByLabel('Message count');
  }

  /** Waits until the screen shows the user's folder. */
  async expectLoaded(folder: string): Promise<void> {
    await expect(this.heading).toBeVisible();
    await expect(this.folder).toHaveText(folder);
    await expect(this.page.getByRole('table', { name: 'Latest archived messages' })).toBeVisible();
  }
}
