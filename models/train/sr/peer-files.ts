// Where the UpscalerJS peer models (dev dependencies) keep their files, for Node (peers.ts) and
// for the benchmark page's server. No tfjs import here: vite configs load this file.
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const PEERS = ['esrgan-slim', 'esrgan-medium'] as const;
export type PeerName = (typeof PEERS)[number];

/** Folder of a peer's layers model (model.json + weight shards) at a scale. */
export function peerModelDir(name: PeerName, scale: number): string {
  // The package's exports hide its files; find its folder through its main entry instead.
  const main = createRequire(import.meta.url).resolve(`@upscalerjs/${name}`);
  return join(main.slice(0, main.lastIndexOf(`@upscalerjs/${name}`)), `@upscalerjs/${name}`, 'models', `x${scale}`);
}
