// Where the service worker keeps a file shared to the installed app (share_target) until the
// page takes it: one cache entry, read once.
export const SHARE_PATH = 'share-target';
export const SHARE_CACHE = 'gvf-shared-file';
export const SHARE_KEY = '/shared-file';
export const SHARED_PARAM = 'shared';
