/** Page object: what surrounds every screen after logon (navigation, Log off, About line). */
import { expect, type Locator, type Page } from '@playwright/test';

type Screen = 'Directory Services' | 'Users' | 'Synchronization History';

/** The shell. */
export class AppShell {
  readonly nav: Locator;

  constructor(readonly page: Page) {
    this.nav = page.getByRole('navigation', { name: 'Administrative Tools' });
  }

  /** Opens an administrative screen from the navigation list. */
  async open(screen: Screen): Promise<void> {
    await this.nav.getByRole('button', { name: screen }).click();
    await expect(this.page.getByRole('heading', { level: 1, name: screen })).toBeVisible();
  }

  /** Logs off and waits for the logon screen. */
  async logOff(): Promise<void> {
    await this.page.getByRole('button', { name: 'Log off' }).click();
    await expect(this.page.getByRole('heading', { name: 'Log on' })).toBeVisible();
  }
}
