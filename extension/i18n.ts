// User-facing text comes from _locales/<lang>/messages.json (the repository's locales/) through
// chrome.i18n, which follows the browser's language; pages mark their text as host/localize.ts reads it.
import { fillText } from '../host/localize';

export function t(key: string, substitutions?: string | string[]): string {
  return chrome.i18n.getMessage(key, substitutions) || key;
}

export const localize = (root: ParentNode): void => fillText(root, t);
