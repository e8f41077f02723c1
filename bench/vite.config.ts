// Dev server for the benchmark page: the filter assets (as in the apps) plus the UpscalerJS
// peer models from node_modules under peers/<name>/x2/.
import { createReadStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { filterAssets } from '../build/vite-assets.js';
import { PEERS, peerModelDir, type PeerName } from '../models/train/sr/peer-files.js';

function peerModels(): Plugin {
  return {
    name: 'peer-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = (req.url ?? '').split('?')[0].match(/^\/peers\/([\w-]+)\/x2\/([\w.-]+)$/);
        if (!m || !PEERS.includes(m[1] as PeerName)) return next();
        const file = join(peerModelDir(m[1] as PeerName, 2), m[2]);
        if (!existsSync(file)) return next();
        res.setHeader('Content-Type', file.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        createReadStream(file).pipe(res);
      });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  appType: 'mpa',
  worker: { format: 'es' },
  plugins: [filterAssets(), peerModels()],
  logLevel: 'warn',
});
