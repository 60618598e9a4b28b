/** Page object: the Directory Services screen, found by roles and the product page's labels. */
import { expect, type Locator, type Page } from '@playwright/test';

/** The actions of the summary. */
export type Action = 'Create' | 'Update' | 'Delete' | 'Unchanged' | 'Skip' | 'Held';

/** Directory Services. */
export class DirectoryServicesPage {
  readonly appDir: Locator;
  readonly groups: Locator;
  readonly domains: Locator;
  readonly testSettingsButton: Locator;
  readonly syncNowButton: Locator;
  readonly saveButton: Locator;
  /** The results of the last run: a region inside the results dialog. */
  readonly results: Locator;
  /** The dialog that opens with the results when a run ends. */
  readonly resultsDialog: Locator;

  constructor(readonly page: Page) {
    this.appDir = page.getByRole('textbox', { name: 'MDaemon App Directory' });
    this.groups = page.getByRole('group', { name: 'MDaemon Groups' });
    this.domains = page.getByRole('group', { name: 'Domains' });
    this.testSettingsButton = page.getByRole('button', { name: 'Test Settings' });
    this.syncNowButton = page.getByRole('button', { name: 'Synchronize now' });
    this.saveButton = page.getByRole('button', { name: 'Save', exact: true });
    this.results = page.getByRole('region', { name: 'Results' });
    this.resultsDialog = page.getByRole('dialog').filter({ has: this.results });
  }

  /** Types the App directory and waits until its groups are listed. */
  async setAppDir(path: string, expectGroup: string): Promise<void> {
    await this.appDir.fill(path);
    await expect(this.group(expectGroup)).toBeVisible({ timeout: 20_000 });
  }

  /** The checkbox of an MDaemon group. */
  group(name: string): Locator {
    return this.groups.getByRole('checkbox', { name, exact: true });
  }

  /** The checkbox of a domain. */
  domain(name: string): Locator {
    return this.domains.getByRole('checkbox', { name, exact: true });
  }

  /** Fills the share credentials shown for a UNC path. */
  async setShareCredentials(userName: string, password: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Share user name' }).fill(userName);
    await this.page.getByLabel('Share password').fill(password);
  }

  /**
   * Waits for a run started by a click to end: its results dialog opens with the given heading.
   * The dialog opens only when a run ends, so these are the new results, not the last ones.
   */
  private async waitForResults(heading: RegExp): Promise<void> {
    await expect(this.resultsDialog.getByRole('heading', { name: heading })).toBeVisible({ timeout: 60_000 });
    await expect(this.page.getByRole('progressbar', { name: 'Synchronization progress' })).toBeHidden();
  }

  /** Clicks Test Settings and waits for the planned changes. */
  async testSettings(): Promise<void> {
    await this.testSettingsButton.click();
    await this.waitForResults(/^Test Settings/);
  }

  /**
   * Clicks Test Settings and then Cancel the moment it appears, from inside the page: a run on
   * 100,000 accounts takes about a second, too short for a round trip per click to be sure to
   * land while it runs.
   */
  async testSettingsAndCancel(): Promise<void> {
    await expect(this.testSettingsButton).toBeEnabled();
    await this.page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const button = (name: string) =>
            Array.from(document.querySelectorAll('button')).find((b) => b.textContent?.trim() === name && !b.disabled);
          const cancelWhenShown = () => {
            const cancel = button('Cancel');
            if (!cancel) return false;
            cancel.click();
            resolve();
            return true;
          };
          const observer = new MutationObserver(() => {
            if (cancelWhenShown()) observer.disconnect();
          });
          observer.observe(document.body, { childList: true, subtree: true });
          const test = button('Test Settings');
          if (!test) return reject(new Error('no enabled Test Settings button'));
          test.click();
        }),
    );
  }

  /** Clicks Synchronize now (confirming deletions when asked) and waits for the committed changes. */
  async synchronizeNow(confirmDeletes = false): Promise<void> {
    await this.syncNowButton.click();
    if (confirmDeletes) await this.page.getByRole('button', { name: 'Synchronize and delete' }).click();
    await this.waitForResults(/^Synchronize now/);
  }

  /** Closes the results dialog with its Close button, back to the form. */
  async closeResults(): Promise<void> {
    await this.resultsDialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(this.resultsDialog).toBeHidden();
  }

  /** Opens the last results again from the action bar. */
  async showResults(): Promise<void> {
    await this.page.getByRole('button', { name: 'Show results' }).click();
    await expect(this.resultsDialog).toBeVisible();
  }

  /** The count of an action in the results summary. */
  async count(action: Action): Promise<number> {
    const chip = this.results
      .getByRole('group', { name: 'Summary' })
      .getByRole('button', { name: new RegExp(`^${action}: \\d+$`) });
    const label = (await chip.getAttribute('aria-label')) ?? '';
    return Number(label.split(': ')[1]);
  }

  /** Opens Default Privileges…, sets the given global privileges on, and confirms with OK. */
  async addDefaultPrivileges(labels: string[]): Promise<void> {
    await this.page.getByRole('button', { name: 'Default Privileges…' }).click();
    const dialog = this.page.getByRole('dialog', { name: 'Default Privileges' });
    for (const label of labels) await dialog.getByRole('checkbox', { name: label, exact: true }).check();
    await dialog.getByRole('button', { name: 'OK' }).click();
    await expect(dialog).toBeHidden();
  }

  /** Sets MDaemon's IMAP server and its access mode. */
  async setImap(address: string, access: 'Unencrypted' | 'IMAP-TLS' | 'IMAP-SSL'): Promise<void> {
    await this.page.getByRole('textbox', { name: 'MDaemon IMAP Server' }).fill(address);
    await this.page.getByRole('combobox', { name: 'IMAP Server Access' }).click();
    await this.page.getByRole('option', { name: access, exact: true }).click();
  }

  /** Runs Test Logon and returns the message shown. */
  async testLogon(userName: string, password: string): Promise<string> {
    const box = this.page.getByRole('group', { name: 'Test Logon' });
    await box.getByRole('textbox', { name: 'User name' }).fill(userName);
    await box.getByLabel('Password', { exact: true }).fill(password);
    await box.getByRole('button', { name: 'Test Logon' }).click();
    const result = box.getByRole('status');
    await expect(result).toBeVisible({ timeout: 20_000 });
    return (await result.textContent()) ?? '';
  }

  /** Saves and waits for the confirmation. */
  async save(): Promise<void> {
    await this.saveButton.click();
    await expect(this.page.getByText('Settings saved.')).toBeVisible();
  }
}
