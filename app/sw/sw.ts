/// <reference lib="webworker" />
import {
  cleanupOutdatedCaches,
  createHandlerBoundToURL,
  precacheAndRoute,
} from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { putInbox } from '../pwa/inbox.js';
import { shareTargetField, shareTargetPath } from '../pwa/share-target.js';

declare const self: ServiceWorkerGlobalScope & {
  __WB_MANIFEST: { url: string; revision: string | null }[];
};

// The app shell, the workers and every codec's wasm: after one visit all of it works offline.
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// A new version waits until the page asks (the user clicked "reload"): taking over by itself
// could swap code under a running batch.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting();
});

// Web Share Target: another app POSTs images here. Park them, then open the app, which adds
// them to the queue.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'POST' || url.pathname !== shareTargetPath) return;
  event.respondWith(
    (async () => {
      const form = await event.request.formData();
      const files = form.getAll(shareTargetField).filter((v): v is File => v instanceof File);
      await putInbox(
        files.map((f) => ({ name: f.name || 'shared-image', blob: f, receivedAt: Date.now() })),
      );
      return Response.redirect(`/?shared=${files.length}`, 303);
    })(),
  );
});
