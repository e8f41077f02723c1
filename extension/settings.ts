// The extension's settings: defaults plus per-site overrides, kept in chrome.storage.sync (so they
// follow the user's browser profile) under a schema version. Every context (background, content
// script, compositor, popup, options) reads them through here; what comes out of storage is
// checked field by field, since another device may have written it with another version.

/** How the extension treats the videos of a site. */
export type EnhanceMode = 'button' | 'always' | 'never';

export interface SiteSettings {
  /** button: an Enhance button on each video; always: the largest playing video is enhanced at once; never: nothing. */
  enhance: EnhanceMode;
  /** 'auto' (tier by device speed) or a registry filter id (a style filter or a chain included). */
  videoFilter: string;
  /** 'off' or a style filter id; applied to cameras this site opens with getUserMedia. */
  cameraFilter: string;
  /** Blend of filter output over the browser-scaled source, 0-1. */
  strength: number;
  /** The filtered camera answers getUserMedia calls that name no camera, not only calls that pick it. */
  cameraDefault: boolean;
}

export interface Settings {
  version: typeof SCHEMA_VERSION;
  defaults: SiteSettings;
  /** Overrides by host name (e.g. "meet.example.com"); only the fields set differ from the defaults. */
  sites: Record<string, Partial<SiteSettings>>;
}

/**
 * Stored as `version`; a later layout bumps it and teaches fromStorage to read this one. Each
 * site is an item of its own (`site:<host>`): chrome.storage.sync allows 8 KB per item, which
 * one object holding every site would outgrow.
 */
export const SCHEMA_VERSION = 1;

export const DEFAULTS: SiteSettings = { enhance: 'button', videoFilter: 'auto', cameraFilter: 'off', strength: 1, cameraDefault: true };

const SITE_PREFIX = 'site:';
const MODES: EnhanceMode[] = ['button', 'always', 'never'];
const ID = /^[a-z0-9][a-z0-9+-]{0,80}$/;

/** The valid fields of `raw` (unknown or malformed ones dropped). */
export function cleanSite(raw: unknown): Partial<SiteSettings> {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const out: Partial<SiteSettings> = {};
  if (MODES.includes(r.enhance as EnhanceMode)) out.enhance = r.enhance as EnhanceMode;
  if (typeof r.videoFilter === 'string' && ID.test(r.videoFilter)) out.videoFilter = r.videoFilter;
  if (typeof r.cameraFilter === 'string' && ID.test(r.cameraFilter)) out.cameraFilter = r.cameraFilter;
  if (typeof r.strength === 'number' && r.strength >= 0 && r.strength <= 1) out.strength = r.strength;
  if (typeof r.cameraDefault === 'boolean') out.cameraDefault = r.cameraDefault;
  return out;
}

/**
 * Settings from the raw contents of storage: an empty store (a fresh install) gives the
 * defaults; malformed or unknown fields, as a newer version on another synced device may
 * write, are dropped field by field.
 */
export function fromStorage(items: Record<string, unknown>): Settings {
  const sites: Settings['sites'] = {};
  for (const [key, raw] of Object.entries(items)) {
    const site = key.startsWith(SITE_PREFIX) ? cleanSite(raw) : {};
    if (Object.keys(site).length) sites[key.slice(SITE_PREFIX.length)] = site;
  }
  return { version: SCHEMA_VERSION, defaults: { ...DEFAULTS, ...cleanSite(items.defaults) }, sites };
}

/** The storage items for `s`. */
export function toStorage(s: Settings): Record<string, unknown> {
  const items: Record<string, unknown> = { version: SCHEMA_VERSION, defaults: s.defaults };
  for (const [host, site] of Object.entries(s.sites)) items[SITE_PREFIX + host] = site;
  return items;
}

/** What applies on `host`: the defaults with the site's overrides. */
export function forSite(s: Settings, host: string): SiteSettings {
  return { ...s.defaults, ...s.sites[host] };
}

export async function loadSettings(): Promise<Settings> {
  return fromStorage(await chrome.storage.sync.get(null));
}

/** Writes the whole settings object, removing items of sites no longer listed and of older versions. */
export async function saveSettings(s: Settings): Promise<void> {
  const items = toStorage(s);
  const stale = Object.keys(await chrome.storage.sync.get(null)).filter((k) => !(k in items));
  await chrome.storage.sync.set(items);
  if (stale.length) await chrome.storage.sync.remove(stale);
}

/** Writes the defaults on a fresh install, and rewrites an older layout in the current one (on install and update). */
export async function migrateSettings(): Promise<void> {
  const items = await chrome.storage.sync.get(null);
  if (typeof items.version !== 'number' || items.version < SCHEMA_VERSION) await saveSettings(fromStorage(items));
}

/** Calls `listener` with fresh settings whenever they change in storage (any context, any tab). */
export function onSettingsChanged(listener: (s: Settings) => void): void {
  chrome.storage.onChanged.addListener((_changes, area) => {
    if (area === 'sync') void loadSettings().then(listener);
  });
}
