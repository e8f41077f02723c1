// The PWA's text, from the same locales/ files the extension ships as _locales (chrome.i18n's
// format), chosen by the browser's languages; English where a language or a message is missing.
import { fillText } from '../host/localize.js';

type Messages = Record<string, { message: string }>;

const bundled = import.meta.glob('../locales/*/messages.json', { eager: true, import: 'default' }) as Record<string, Messages>;
const byLang = Object.fromEntries(Object.entries(bundled).map(([path, m]) => [path.split('/').at(-2)!, m]));

function pick(): Messages {
  for (const tag of navigator.languages ?? [navigator.language]) {
    const lang = tag.toLowerCase().split('-')[0];
    if (byLang[lang]) return byLang[lang];
  }
  return byLang.en;
}

const messages = pick();

/** A message with $1, $2... replaced, as chrome.i18n.getMessage does. */
export function t(key: string, substitutions: string | string[] = []): string {
  const subs = ([] as string[]).concat(substitutions);
  const text = messages[key]?.message ?? byLang.en[key]?.message ?? key;
  return text.replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? '');
}

/** Fills the page's marked text (host/localize.ts) and sets its language. */
export function localize(root: ParentNode): void {
  fillText(root, (key) => t(key));
  document.documentElement.lang = Object.keys(byLang).find((k) => byLang[k] === messages) ?? 'en';
}
