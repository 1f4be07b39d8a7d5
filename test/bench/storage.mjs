// Where should finished outputs live: IndexedDB blobs or the origin-private file system?
// Writes and reads back the same outputs both ways in Chromium and prints the times.
// Run: node test/bench/storage.mjs  (needs `npm run build` for the preview server's origin)
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

const count = Number(process.env.COUNT ?? 300);
const kib = Number(process.env.KIB ?? 400);
const port = 4190;

const server = spawn('npx', ['vite', 'preview', '--port', String(port), '--strictPort'], {
  stdio: 'ignore',
  detached: true,
});
const stop = () => {
  try {
    process.kill(-server.pid);
  } catch {
    // already gone
  }
};
process.on('exit', stop);

try {
  await sleep(2500);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage();
  await page.goto(`http://localhost:${port}/`);
  const result = await page.evaluate(
    async ({ count, kib }) => {
      const payload = () => {
        const b = new Uint8Array(kib * 1024);
        crypto.getRandomValues(b.subarray(0, 65536));
        return new Blob([b], { type: 'image/webp' });
      };
      const blobs = Array.from({ length: count }, payload);
      const time = async (fn) => {
        const t = performance.now();
        await fn();
        return Math.round(performance.now() - t);
      };
      // IndexedDB: one transaction per output, as the runner writes them.
      const db = await new Promise((resolve, reject) => {
        const r = indexedDB.open('bench-storage', 1);
        r.onupgradeneeded = () => r.result.createObjectStore('outputs');
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });
      const tx = (mode, fn) =>
        new Promise((resolve, reject) => {
          const t = db.transaction('outputs', mode);
          const req = fn(t.objectStore('outputs'));
          t.oncomplete = () => resolve(req?.result);
          t.onerror = () => reject(t.error);
        });
      const idbWrite = await time(async () => {
        for (let i = 0; i < count; i++) await tx('readwrite', (s) => s.put(blobs[i], i));
      });
      const idbRead = await time(async () => {
        for (let i = 0; i < count; i++) {
          const b = await tx('readonly', (s) => s.get(i));
          await b.arrayBuffer();
        }
      });
      // OPFS: one file per output.
      const root = await navigator.storage.getDirectory();
      const dir = await root.getDirectoryHandle('bench-storage', { create: true });
      const opfsWrite = await time(async () => {
        for (let i = 0; i < count; i++) {
          const h = await dir.getFileHandle(`o${i}`, { create: true });
          const w = await h.createWritable();
          await w.write(blobs[i]);
          await w.close();
        }
      });
      const opfsRead = await time(async () => {
        for (let i = 0; i < count; i++) {
          const f = await (await dir.getFileHandle(`o${i}`)).getFile();
          await f.arrayBuffer();
        }
      });
      await root.removeEntry('bench-storage', { recursive: true });
      db.close();
      indexedDB.deleteDatabase('bench-storage');
      return { idbWrite, idbRead, opfsWrite, opfsRead };
    },
    { count, kib },
  );
  await browser.close();
  const mb = (count * kib) / 1024;
  console.log(`${count} outputs of ${kib} KiB (${mb.toFixed(0)} MiB) in headless Chromium`);
  console.log('store        write ms   read ms   write MiB/s');
  for (const [name, w, r] of [
    ['IndexedDB', result.idbWrite, result.idbRead],
    ['OPFS', result.opfsWrite, result.opfsRead],
  ]) {
    console.log(
      `${name.padEnd(12)} ${String(w).padStart(8)} ${String(r).padStart(9)} ${(mb / (w / 1000)).toFixed(0).padStart(13)}`,
    );
  }
  console.log(`OPFS / IndexedDB write time: ${(result.opfsWrite / result.idbWrite).toFixed(2)}×`);
} finally {
  stop();
}
