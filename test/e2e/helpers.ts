import { expect, type Locator, type Page } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ItemView {
  path: string;
  status: string;
  text: string;
}

export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByLabel('Add files')).toBeAttached();
}

export async function choosePreset(page: Page, presetId: string): Promise<void> {
  await page.locator('#preset-select').selectOption(presetId);
}

/**
 * Turns the preset into a size ladder of `widths` in WebP and JPEG (the quick encoders), with
 * the options panel open.
 */
export async function setLadder(page: Page, widths: string, template?: string): Promise<void> {
  await page.locator('#ladder-on').check();
  await page.locator('#ladder-widths').fill(widths);
  await page.locator('#ladder-widths').press('Tab');
  await page.locator('#ladder-format-avif').uncheck();
  await page.locator('#ladder-format-jpeg').check();
  if (template) {
    await page.locator('#ladder-template').fill(template);
    await page.locator('#ladder-template').press('Tab');
  }
}

/** Opens the Settings dialog (the header's "Settings"), runs `fn`, and closes it again. */
export async function inSettings(page: Page, fn: () => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'Settings', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await expect(dialog).toBeVisible();
  await fn();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
}

/** Types `value` into the field `#id` and commits it (change event). */
export async function setField(page: Page, id: string, value: string): Promise<void> {
  const field = page.locator(`#${id}`);
  await field.fill(value);
  await field.press('Enter');
  await field.blur();
}

export async function setWorkers(page: Page, n: number): Promise<void> {
  await inSettings(page, () => setField(page, 'setting-workers', String(n)));
}

/** The opt-in button that uploads the batch to a server: its words say so. */
export const uploadButton = (page: Page) =>
  page.getByRole('button', { name: /^Upload \d+ files? to .+ and convert there$/ });

export async function addFolder(page: Page, dir: string, expected: number): Promise<void> {
  await page.getByLabel('Add folder').setInputFiles(dir);
  await expect(page.getByTestId('item')).toHaveCount(expected);
}

/** Every queue row as the page shows it. */
export async function items(page: Page): Promise<ItemView[]> {
  return page.getByTestId('item').evaluateAll((els) =>
    els.map((el) => ({
      path: el.getAttribute('data-path') ?? '',
      status: el.getAttribute('data-status') ?? '',
      text: (el as HTMLElement).innerText,
    })),
  );
}

export async function countByStatus(page: Page): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const it of await items(page)) counts[it.status] = (counts[it.status] ?? 0) + 1;
  return counts;
}

/** Waits until no item is pending or processing. */
export async function waitForSettled(page: Page, timeout = 150_000): Promise<void> {
  await expect(page.locator('[data-testid=item][data-status=pending]')).toHaveCount(0, { timeout });
  await expect(page.locator('[data-testid=item][data-status=processing]')).toHaveCount(0, {
    timeout,
  });
}

/** Clicks "Download ZIP" and saves every part; returns their paths. */
export async function downloadZips(page: Page): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'pixpool-zip-'));
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download ZIP' }).click();
  const d = await download;
  const file = join(dir, d.suggestedFilename());
  await d.saveAs(file);
  return [file];
}

/** `unzip -t` must pass; returns the archive's entry names. */
export function checkZip(file: string): string[] {
  const test = spawnSync('unzip', ['-t', file], { encoding: 'utf8' });
  expect(test.status, `unzip -t ${file}:\n${test.stdout}${test.stderr}`).toBe(0);
  return execFileSync('unzip', ['-Z1', file], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l && !l.endsWith('/'));
}

export function extractZip(file: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pixpool-unzip-'));
  execFileSync('unzip', ['-q', file, '-d', dir]);
  return dir;
}

/** Waits until a compare view in `dialog` has drawn both sides on their canvases. */
export async function expectBothSidesDrawn(dialog: Locator): Promise<void> {
  for (const side of ['before', 'after']) {
    await expect
      .poll(() =>
        dialog
          .locator(`.stage[data-side=${side}] canvas`)
          .evaluate((c: HTMLCanvasElement) => c.width)
          .catch(() => 0),
      )
      .toBeGreaterThan(0);
  }
}
