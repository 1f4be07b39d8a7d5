import type { ManifestOptions } from 'vite-plugin-pwa';
import { formats } from '../../shared/formats/index.js';
import { shareTargetField, shareTargetPath } from './share-target.js';

/** The file types the OS may open with Pixpool: every format we decode, from the registry. */
export const fileHandlerAccept: Record<string, string[]> = Object.fromEntries(
  Object.values(formats).map((f) => [f.mimeType, f.extensions.map((e) => `.${e}`)]),
);

/** The web app manifest; vite-plugin-pwa writes it to manifest.webmanifest at build. */
export const manifest: Partial<ManifestOptions> = {
  id: '/',
  name: 'Pixpool — batch image converter',
  short_name: 'Pixpool',
  description:
    'Convert hundreds of photos or whole folders at once, on your own machine: resize and ' +
    're-encode to WebP, AVIF, JPEG, PNG or JPEG XL, offline.',
  start_url: '/',
  scope: '/',
  display: 'standalone',
  theme_color: '#1f5f8b',
  background_color: '#f7f8fa',
  categories: ['photo', 'productivity', 'utilities'],
  icons: [
    { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
    { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
    { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
  ],
  screenshots: [
    {
      src: '/screenshots/wide.png',
      sizes: '1280x800',
      type: 'image/png',
      form_factor: 'wide',
      label: 'A finished batch with its summary and queue',
    },
    {
      src: '/screenshots/narrow.png',
      sizes: '540x960',
      type: 'image/png',
      form_factor: 'narrow',
      label: 'Adding a folder of photos',
    },
  ],
  file_handlers: [{ action: '/', accept: fileHandlerAccept }],
  share_target: {
    action: shareTargetPath,
    method: 'POST',
    enctype: 'multipart/form-data',
    params: { files: [{ name: shareTargetField, accept: Object.keys(fileHandlerAccept) }] },
  },
  launch_handler: { client_mode: 'focus-existing' },
};
