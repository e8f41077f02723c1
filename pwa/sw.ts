// The PWA's service worker: Workbox precaches the built app (shell, JS, .wasm, registry, model
// weights, demo clip; responses keep their COOP/COEP headers, so threads work offline too), and
// a file shared to the installed app (share_target, a POST) is kept for the page to take.
/// <reference lib="webworker" />
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { SHARE_CACHE, SHARE_KEY, SHARE_PATH, SHARED_PARAM } from './share.js';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

void self.skipWaiting();
clientsClaim();
cleanupOutdatedCaches();
// ?filter=ID and ?shared pick what the page opens with; the page itself is the same.
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/^filter$/, new RegExp(`^${SHARED_PARAM}$`), /^utm_/] });

async function receiveShare(request: Request): Promise<Response> {
  const form = await request.formData();
  const file = form.get('video');
  if (file instanceof File) {
    const cache = await caches.open(SHARE_CACHE);
    await cache.put(SHARE_KEY, new Response(file, { headers: { 'Content-Type': file.type, 'X-File-Name': encodeURIComponent(file.name) } }));
  }
  return Response.redirect(new URL(`./?${SHARED_PARAM}=1`, self.registration.scope).href, 303);
}

self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method === 'POST' && url.pathname.endsWith(`/${SHARE_PATH}`)) event.respondWith(receiveShare(event.request));
});
