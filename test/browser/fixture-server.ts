// The local server for the extension's fixture pages (test/browser/fixtures, and clips the specs
// make), shared by the Chromium and Firefox suites: a strict CSP on the video page, and no CORS
// headers, so a video fetched from the other origin (localhost instead of 127.0.0.1) stays tainted.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { MADE, REPO_ROOT } from './helpers';

const FIXTURES = join(REPO_ROOT, 'test/browser/fixtures');

/** The page CSP of a strict video site: the extension must work regardless. */
const PAGE_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; media-src 'self' http://localhost:*; frame-src 'none'; worker-src 'none'";

export interface FixtureServer {
  url(page: string, query?: Record<string, string>): string;
  /** Same server, other origin (localhost instead of 127.0.0.1). */
  foreignOrigin: string;
  close(): Promise<void>;
}

/** A real player's files, as site-page.html loads them (a dev dependency, nothing downloaded at test time). */
const VENDOR: Record<string, string> = {
  'video.min.js': 'node_modules/video.js/dist/video.min.js',
  'video-js.min.css': 'node_modules/video.js/dist/video-js.min.css',
};

export async function serveFixtures(): Promise<FixtureServer> {
  const types: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.webm': 'video/webm', '.js': 'text/javascript', '.css': 'text/css' };
  const server = createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname.slice(1);
    const file = [join(FIXTURES, name), join(MADE, name), ...(VENDOR[name] ? [join(REPO_ROOT, VENDOR[name])] : [])].find((f) => existsSync(f));
    if (name === 'favicon.ico') return void res.writeHead(204).end();
    if (!/^[\w.-]+$/.test(name) || !file) return void res.writeHead(404).end();
    const headers: Record<string, string> = { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' };
    if (name === 'video-page.html') headers['Content-Security-Policy'] = PAGE_CSP;
    res.writeHead(200, headers).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (page, query) => `http://127.0.0.1:${port}/${page}${query ? `?${new URLSearchParams(query)}` : ''}`,
    foreignOrigin: `http://localhost:${port}/`,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
