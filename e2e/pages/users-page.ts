/** Page object: the Users screen and the Properties dialog. */
import { expect, type Locator, type Page } from '@playwright/test';

/** Users. */
export class UsersPage {
  readonly grid: Locator;

  constructor(readonly page: Page) {
    this.grid = page.getByRole('grid', { name: 'Users' });
  }

  /** The row of a user. */
  row(userName: string): Locator {
    return this.grid.getByRole('row').filter({ has: this.page.getByRole('gridcell', { name: userName, exact: true }) });
  }

  /** Opens a user's Properties dialog. */
  async openProperties(userName: string): Promise<Locator> {
    await this.row(userName).click();
    await this.page.getByRole('button', { name: 'Properties…' }).click();
    const dialog = this.page.getByRole('dialog', { name: `Properties of ${userName}` });
    await expect(dialog).toBeVisible();
    return dialog;
  }
}
