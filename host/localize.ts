// Fills a page's marked elements from its app's message lookup (both apps mark text the same
// way): data-i18n (text), data-i18n-label (aria-label), data-i18n-title (title).
export function fillText(root: ParentNode, t: (key: string) => string): void {
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n!);
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) el.setAttribute('aria-label', t(el.dataset.i18nLabel!));
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle!);
}
