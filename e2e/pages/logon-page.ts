/** Page object: first start and the logon screen. */
import { expect, type Locator, type Page } from '@playwright/test';

/** First start and logon. */
export class LogonPage {
  readonly userName: Locator;
  readonly password: Locator;
  readonly logOnButton: Locator;

  constructor(readonly page: Page) {
    this.userName = page.getByRole('textbox', { name: 'User name' });
    this.password = page.getByLabel('Password', { exact: true });
    this.logOnButton = page.getByRole('button', { name: 'Log on' });
  }

  /** First start: the built-in admin's password, typed twice. */
  async setAdminPassword(password: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Set administrator password' })).toBeVisible();
    await this.password.fill(password);
    await this.page.getByLabel('Confirm password').fill(password);
    await this.page.getByRole('button', { name: 'Set administrator password' }).click();
  }

  /** Fills the logon form and submits it. */
  async logOn(userName: string, password: string): Promise<void> {
    await expect(this.page.getByRole('heading', { name: 'Log on' })).toBeVisible();
    await this.userName.fill(userName);
    await this.password.fill(password);
    await this.logOnButton.click();
  }

  /** The refusal shown after a failed logon. */
  refusal(): Locator {
    return this.page.getByRole('alert');
  }
}
