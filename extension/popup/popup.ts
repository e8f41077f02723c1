// The toolbar popup: the settings for the site in the current tab (or in tab ?tab=ID, when the
// popup is opened in a tab of its own). Each change is saved as that site's override and reaches
// its open tabs at once (content scripts and compositors listen).
import { localize, t } from '../i18n';
import type { SiteAnswer, TabMessage } from '../protocol';
import { forSite, loadSettings, saveSettings } from '../settings';
import { packagedFilters, renderSettingsForm } from '../ui/settings-form';

async function main(): Promise<void> {
  localize(document);
  // The tab's own content script says which site it shows (no permission to read tab URLs needed);
  // a page where it does not run (browser pages, files) is not a site the extension works on.
  const param = Number(new URLSearchParams(location.search).get('tab'));
  const tabId = param || (await chrome.tabs.query({ active: true, currentWindow: true }))[0]?.id;
  const ask: TabMessage = { type: 'which-site' };
  const answer = tabId === undefined ? null : ((await chrome.tabs.sendMessage(tabId, ask, { frameId: 0 }).catch(() => null)) as SiteAnswer | null);
  const host = answer?.host ?? '';
  const form = document.getElementById('form')!;
  document.getElementById('site')!.textContent = host || t('popupNoSite');
  if (!host) {
    form.hidden = true;
    document.getElementById('reset')!.hidden = true;
    document.getElementById('unavailable')!.hidden = false;
    return;
  }
  const [settings, filters] = await Promise.all([loadSettings(), packagedFilters()]);
  renderSettingsForm(form, filters, forSite(settings, host), (patch) => {
    void loadSettings().then((s) => saveSettings({ ...s, sites: { ...s.sites, [host]: { ...s.sites[host], ...patch } } }));
  }, { enhanceLabel: t('enhanceOnSite', host), cameraDefault: false });
  document.getElementById('reset')!.onclick = async () => {
    const s = await loadSettings();
    delete s.sites[host];
    await saveSettings(s);
    location.reload();
  };
}

void main();
