import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, {
  type Browser,
  type BrowserContext,
  type ElementHandle,
  type Page,
} from 'puppeteer-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedFixtures = resolve(repoRoot, '../shared/fixtures');

/** FIREFOX_PORT, else the port after Playwright's (E2E_PORT, default 4173). */
export function firefoxPort(): number {
  if (process.env.FIREFOX_PORT) return Number(process.env.FIREFOX_PORT);
  return Number(process.env.E2E_PORT ?? 4173) + 1;
}

export interface Firefox {
  browser: Browser;
  /** Where Firefox saves downloads, without asking. */
  downloads: string;
}

/**
 * Debian's firefox-esr (FIREFOX_PATH overrides) over WebDriver BiDi: Playwright cannot drive
 * a stock Firefox. Downloads go straight into a temporary folder of its own.
 */
export async function launchFirefox(): Promise<Firefox> {
  const downloads = mkdtempSync(join(tmpdir(), 'pixpool-firefox-downloads-'));
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
    extraPrefsFirefox: {
      'browser.download.dir': downloads,
      'browser.download.folderList': 2,
      'browser.download.useDownloadDir': true,
      'browser.download.always_ask_before_handling_new_types': false,
      'browser.helperApps.neverAsk.saveToDisk': 'application/zip',
    },
  });
  return { browser, downloads };
}

export interface ItemView {
  path: string;
  status: string;
}

const poll = { polling: 200 };

/** The app in a browser context of its own (its own IndexedDB), as a person would use it. */
export class AppPage {
  /** Uncaught errors in the page, for tests to assert there were none. */
  readonly errors: string[] = [];

  private constructor(
    readonly firefox: Firefox,
    readonly context: BrowserContext,
    readonly page: Page,
  ) {
    page.on('pageerror', (e) => this.errors.push(e instanceof Error ? e.message : String(e)));
  }

  static async open(firefox: Firefox, baseURL: string): Promise<AppPage> {
    const context = await firefox.browser.createBrowserContext();
    const app = new AppPage(firefox, context, await context.newPage());
    await app.page.goto(baseURL);
    await app.ready();
    return app;
  }

  async ready(): Promise<void> {
    await this.page.waitForSelector('input[type=file]:not([webkitdirectory])');
  }

  async close(): Promise<void> {
    await this.context.close();
  }

  /** "Add files" with these paths; waits for the queue to hold `expected` rows. */
  async addFiles(paths: string[], expected = paths.length): Promise<void> {
    const input = await this.page.waitForSelector('input[type=file]:not([webkitdirectory])');
    await input!.uploadFile(...paths);
    await this.waitForRows(expected);
  }

  async waitForRows(n: number, timeout = 30_000): Promise<void> {
    await this.page.waitForFunction(
      (count) => document.querySelectorAll('[data-testid=item]').length === count,
      { ...poll, timeout },
      n,
    );
  }

  async items(): Promise<ItemView[]> {
    return this.page.$$eval('[data-testid=item]', (els) =>
      els.map((el) => ({
        path: el.getAttribute('data-path') ?? '',
        status: el.getAttribute('data-status') ?? '',
      })),
    );
  }

  async countByStatus(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const it of await this.items()) counts[it.status] = (counts[it.status] ?? 0) + 1;
    return counts;
  }

  async batchStatus(): Promise<string | undefined> {
    return this.page.evaluate(
      () => document.querySelector('[data-testid=batch-status]')?.textContent ?? undefined,
    );
  }

  async waitForBatch(status: string, timeout = 100_000): Promise<void> {
    await this.page.waitForFunction(
      (s) => document.querySelector('[data-testid=batch-status]')?.textContent === s,
      { ...poll, timeout },
      status,
    );
  }

  /** Clicks the button with exactly this text once it is enabled. */
  async click(name: string): Promise<void> {
    const handle = await this.page.waitForFunction(
      (label) =>
        [...document.querySelectorAll('button')].find(
          (b) => b.textContent?.trim() === label && !b.disabled,
        ),
      { ...poll, timeout: 30_000 },
      name,
    );
    const button = handle.asElement() as ElementHandle<HTMLButtonElement> | null;
    if (!button) throw new Error(`no button ${name}`);
    await button.click();
  }

  async choosePreset(id: string): Promise<void> {
    await this.page.select('#preset-select', id);
  }

  /** Picks the output format in the preset's options (opening them first). */
  async chooseOutput(format: string): Promise<void> {
    if (!(await this.page.$('#preset-format'))) await this.click('Edit options');
    await this.page.waitForSelector('#preset-format');
    await this.page.select('#preset-format', format);
  }

  /** "Download ZIP"; resolves with the archive Firefox saved once it is complete. */
  async downloadZip(timeout = 30_000): Promise<string> {
    const dir = this.firefox.downloads;
    const before = new Set(readdirSync(dir));
    await this.click('Download ZIP');
    const deadline = Date.now() + timeout;
    for (;;) {
      const names = readdirSync(dir);
      const fresh = names.filter((n) => n.endsWith('.zip') && !before.has(n));
      // Firefox writes into a .part file and moves it over the final name when done.
      if (fresh.length === 1 && !names.some((n) => n.endsWith('.part'))) {
        const file = join(dir, fresh[0]);
        if (statSync(file).size > 0) return file;
      }
      if (Date.now() > deadline) throw new Error(`no ZIP in ${dir} after ${timeout} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** `unzip -t` must pass; returns the archive's file names. */
export function zipEntries(file: string): string[] {
  execFileSync('unzip', ['-tq', file]);
  return execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l && !l.endsWith('/'));
}

/** Extracts next to the archive, inside the downloads folder the suite removes at the end. */
export function extractZip(file: string): string {
  const dir = mkdtempSync(join(dirname(file), 'unzipped-'));
  execFileSync('unzip', ['-q', file, '-d', dir]);
  return dir;
}
