// The stores' rules that a script can check (store/check.ts), in one place.
// Chrome Web Store: https://developer.chrome.com/docs/webstore/program-policies and the listing's
// limits; Firefox Add-ons: addons-linter (web-ext lint), run by store/package.ts.

/** Icon sizes in the manifest: 128 for the store and install dialog, 48 for the extensions page, 16 and 32 for the toolbar. */
export const EXTENSION_ICON_SIZES = [16, 32, 48, 128] as const;
/** The Chrome Web Store's summary (the manifest's description) is at most 132 characters. */
export const MAX_SUMMARY = 132;
/** A manifest name is at most 75 characters (Chrome refuses longer ones); the store shows about 45. */
export const MAX_NAME = 45;
/** Listing images: screenshots and the small promo tile. */
export const SCREENSHOT = { width: 1280, height: 800 } as const;
export const PROMO_TILE = { width: 440, height: 280 } as const;
