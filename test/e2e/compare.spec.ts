import { expect, test, type Locator, type Page } from '@playwright/test';
import { join } from 'node:path';
import { sharedFixtures } from './fixture-tree.js';
import { expectBothSidesDrawn, openApp, waitForSettled } from './helpers.js';
import { otherFormats } from './input-formats.js';

const inputs = {
  'Landscape_6.jpg': join(sharedFixtures, 'exif-orientation/Landscape_6.jpg'),
  'basn6a08.png': join(sharedFixtures, 'pngsuite/png/basn6a08.png'),
  'example.heic': join(sharedFixtures, 'heif/example.heic'),
};

interface View {
  scale: number;
  x: number;
  y: number;
}

/** Both sides' transforms as the browser computed them; they must always be the same. */
async function views(page: Page): Promise<{ before: View; after: View }> {
  return page.evaluate(() => {
    const read = (side: string): View => {
      const el = document.querySelector(`.stage[data-side=${side}]`)!;
      const m = new DOMMatrix(getComputedStyle(el).transform);
      return { scale: m.a, x: m.e, y: m.f };
    };
    return { before: read('before'), after: read('after') };
  });
}

/** The one transform both sides share (and the check that they do share it). */
async function view(page: Page): Promise<View> {
  const { before, after } = await views(page);
  expect(after).toEqual(before);
  return before;
}

async function convertAll(page: Page): Promise<void> {
  await openApp(page);
  await page.locator('#preset-select').selectOption('thumbnails-webp-400');
  await page.getByLabel('Add files').setInputFiles(Object.values(inputs));
  await expect(page.getByTestId('item')).toHaveCount(3);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
}

/** Opens Compare for `name` and waits until both sides are drawn. */
async function openCompare(page: Page, name: string): Promise<Locator> {
  await page.getByRole('button', { name: `Compare ${name}` }).click();
  const dialog = page.getByRole('dialog');
  await expectBothSidesDrawn(dialog);
  return dialog;
}

test('Compare shows the original and the result of JPEG, PNG and HEIC files with their formats, sizes and dimensions', async ({
  page,
}) => {
  await convertAll(page);
  const expected = {
    'Landscape_6.jpg': { before: /JPEG\s*1800 × 1200 px · 353 kB/, after: /WebP\s*400 × 267 px/ },
    'basn6a08.png': { before: /PNG\s*32 × 32 px · 184 B/, after: /WebP\s*32 × 32 px/ },
    'example.heic': { before: /HEIC\/HEIF\s*1280 × 854 px/, after: /WebP\s*400 × 267 px/ },
  };
  for (const [name, labels] of Object.entries(expected)) {
    const dialog = await openCompare(page, name);
    await expect(dialog.getByTestId('compare-before-label')).toContainText(labels.before);
    await expect(dialog.getByTestId('compare-after-label')).toContainText(labels.after);
    // The original is drawn whole and upright: its canvas has the original's upright size.
    const drawn = await dialog
      .locator('.stage[data-side=before] canvas')
      .evaluate((c: HTMLCanvasElement) => `${c.width} × ${c.height}`);
    expect(drawn, name).toBe(labels.before.source.match(/(\d+ × \d+) px/)![1]);
    await expect(dialog.getByText('Could not show')).toHaveCount(0);

    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
    // Focus goes back to the button that opened it.
    await expect(page.getByRole('button', { name: `Compare ${name}` })).toBeFocused();
  }
});

test('every other format the app reads gets a thumbnail and a compare view: GIF, WebP, AVIF, BMP, JPEG XL', async ({
  page,
}) => {
  const files = await otherFormats();
  await openApp(page);
  await page.locator('#preset-select').selectOption('thumbnails-webp-400');
  await page.getByLabel('Add files').setInputFiles(Object.values(files));
  await expect(page.getByTestId('item')).toHaveCount(5);
  await page.getByRole('button', { name: 'Convert' }).click();
  await waitForSettled(page);
  const labels: Record<string, string> = {
    'photo.gif': 'GIF',
    'photo.webp': 'WebP',
    'photo.avif': 'AVIF',
    'photo.bmp': 'BMP',
    'photo.jxl': 'JPEG XL',
  };
  for (const [name, label] of Object.entries(labels)) {
    const row = page.locator(`[data-testid=item][data-path="${name}"]`);
    await expect(row, name).toHaveAttribute('data-status', 'done');
    // Rows make thumbnails once on screen; the summary may have pushed this one below the fold.
    await row.scrollIntoViewIfNeeded();
    await expect(row.locator('img'), name).toBeVisible();
    const dialog = await openCompare(page, name);
    await expect(dialog.getByTestId('compare-before-label')).toContainText(
      new RegExp(`${label}\\s*300 × 200 px`),
    );
    const drawn = await dialog
      .locator('.stage[data-side=before] canvas')
      .evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
    expect(drawn, name).toEqual([300, 200]);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toHaveCount(0);
  }
});

test('zoom buttons, wheel and drag move both sides as one, and the divider follows keys and the pointer', async ({
  page,
}) => {
  await convertAll(page);
  const dialog = await openCompare(page, 'Landscape_6.jpg');
  const viewport = dialog.getByTestId('compare-viewport');
  const box = (await viewport.boundingBox())!;
  const inner = await viewport.evaluate((el) => ({ w: el.clientWidth, h: el.clientHeight }));

  // Fit: the whole 1800 × 1200 photo, centred.
  const fit = await view(page);
  expect(fit.scale).toBeCloseTo(Math.min(inner.w / 1800, inner.h / 1200), 5);
  expect(fit.x).toBeCloseTo((inner.w - 1800 * fit.scale) / 2, 3);
  expect(fit.y).toBeCloseTo((inner.h - 1200 * fit.scale) / 2, 3);

  await dialog.getByRole('button', { name: 'Zoom in' }).click();
  expect((await view(page)).scale).toBeCloseTo(fit.scale * Math.SQRT2, 5);
  await dialog.getByRole('button', { name: 'Zoom out' }).click();
  expect((await view(page)).scale).toBeCloseTo(fit.scale, 5);
  await dialog.getByRole('button', { name: 'Zoom in' }).click();

  // 1:1 around the centre: one image pixel per CSS pixel, the photo's middle in the middle.
  await dialog.getByRole('button', { name: '1:1' }).click();
  const actual = await view(page);
  expect(actual.scale).toBe(1);
  expect(actual.x + 900).toBeCloseTo(inner.w / 2, 0);
  expect(actual.y + 600).toBeCloseTo(inner.h / 2, 0);
  await expect(dialog.getByTestId('compare-scale')).toHaveText('100 %');

  await dialog.getByRole('button', { name: 'Fit' }).click();
  expect(await view(page)).toEqual(fit);

  // Wheel up over a point: zooms in by 4/3 and the image point under the pointer stays put
  // (once the photo is larger than the view: a smaller one stays centred).
  await dialog.getByRole('button', { name: '1:1' }).click();
  const near = await view(page);
  const pointer = { x: inner.w * 0.3, y: inner.h * 0.4 };
  const under = { x: (pointer.x - near.x) / near.scale, y: (pointer.y - near.y) / near.scale };
  await page.mouse.move(box.x + 1 + pointer.x, box.y + 1 + pointer.y);
  await page.mouse.wheel(0, -100);
  await expect.poll(async () => (await view(page)).scale).toBeGreaterThan(1);
  const wheeled = await view(page);
  expect(wheeled.scale).toBeCloseTo(4 / 3, 5);
  expect(wheeled.x + under.x * wheeled.scale).toBeCloseTo(pointer.x, 0);
  expect(wheeled.y + under.y * wheeled.scale).toBeCloseTo(pointer.y, 0);
  // And a notch down undoes it.
  await page.mouse.wheel(0, 100);
  await expect.poll(async () => (await view(page)).scale).toBeCloseTo(1, 5);

  // Drag pans both sides by the drag (at 1:1 the photo is larger than the view).
  await dialog.getByRole('button', { name: '1:1' }).click();
  const start = await view(page);
  const from = { x: box.x + inner.w * 0.25, y: box.y + inner.h * 0.5 };
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + 60, from.y + 40, { steps: 4 });
  await page.mouse.up();
  const panned = await view(page);
  expect(panned.x - start.x).toBeCloseTo(60, 0);
  expect(panned.y - start.y).toBeCloseTo(40, 0);
  expect(panned.scale).toBe(1);

  // The divider: a slider at 50 %, moved by arrow keys and by dragging, clipping the original.
  const divider = dialog.getByRole('slider', { name: /Divider/ });
  await expect(divider).toHaveAttribute('aria-valuenow', '50');
  await divider.focus();
  await page.keyboard.press('ArrowLeft');
  await expect(divider).toHaveAttribute('aria-valuenow', '48');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(divider).toHaveAttribute('aria-valuenow', '52');
  const handle = (await divider.boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 1 + inner.w * 0.25, handle.y + handle.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect(divider).toHaveAttribute('aria-valuenow', '25');
  const clip = await dialog
    .locator('.layer:has(.stage[data-side=before])')
    .evaluate((el) => getComputedStyle(el).clipPath);
  // The original shows left of the divider: the layer is cut 75 % from the right.
  const cut = Number(/^inset\(0(?:px)? ([\d.]+)% 0(?:px)? 0(?:px)?\)$/.exec(clip)?.[1]);
  expect(cut).toBeCloseTo(75, 0);
  // Dragging the divider did not pan the image.
  expect(await view(page)).toEqual(panned);
});

test('two fingers pinch-zoom both sides together', async ({ page }) => {
  await convertAll(page);
  const dialog = await openCompare(page, 'Landscape_6.jpg');
  const box = (await dialog.getByTestId('compare-viewport').boundingBox())!;
  const fit = await view(page);
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 2 });
  const cx = box.x + box.width * 0.3;
  const cy = box.y + box.height / 2;
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', spread: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints:
        type === 'touchEnd'
          ? []
          : [
              { x: cx - spread, y: cy, id: 1 },
              { x: cx + spread, y: cy, id: 2 },
            ],
    });
  await touch('touchStart', 20);
  for (const spread of [25, 30, 35, 40]) await touch('touchMove', spread);
  await touch('touchEnd', 40);
  await expect.poll(async () => (await view(page)).scale).toBeGreaterThan(fit.scale * 1.5);
  expect((await view(page)).scale).toBeCloseTo(fit.scale * 2, 1);
});

test('at 360 px wide the open Compare dialog fits the screen with finger-sized controls', async ({
  page,
}) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await convertAll(page);
  const dialog = await openCompare(page, 'example.heic');
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
    true,
  );
  const dialogBox = (await dialog.boundingBox())!;
  expect(dialogBox.x).toBeGreaterThanOrEqual(0);
  expect(dialogBox.x + dialogBox.width).toBeLessThanOrEqual(360);
  expect(await dialog.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  for (const name of ['Zoom out', 'Zoom in', '1:1', 'Fit']) {
    const b = (await dialog.getByRole('button', { name, exact: true }).boundingBox())!;
    expect(b.width, name).toBeGreaterThanOrEqual(44);
    expect(b.height, name).toBeGreaterThanOrEqual(44);
    expect(b.x + b.width, name).toBeLessThanOrEqual(360);
  }
  const divider = (await dialog.getByRole('slider').boundingBox())!;
  expect(divider.width).toBeGreaterThanOrEqual(44);
});
