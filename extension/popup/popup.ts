// The toolbar popup: the settings for the site in the current tab. Each change is saved as that
// site's override and reaches its open tabs at once (content scripts and compositors listen).
import { localize, t } from '../i18n';
import { forSite, loadSettings, saveSettings } from '../settings';
import { bindSettingsForm, packagedFilters } from '../ui/settings-form';

async function main(): Promise<void> {
  localize(document);
  // activeTab: the popup may read the URL of the tab it was opened on.
  const [tab] = await chrome.tabs.query({ active: true, currentWindow: true });
  const url = new URL(tab?.url ?? 'about:blank');
  const host = /^https?:$/.test(url.protocol) ? url.hostname : '';
  const form = document.getElementById('form')!;
  document.getElementById('site')!.textContent = host || t('popupNoSite');
  if (!host) {
    form.hidden = true;
    document.getElementById('reset')!.hidden = true;
    document.getElementById('unavailable')!.hidden = false;
    return;
  }
  document.getElementById('enhance-label')!.textContent = t('enhanceOnSite', host);
  const [settings, filters] = await Promise.all([loadSettings(), packagedFilters()]);
  bindSettingsForm(form, filters, forSite(settings, host), (patch) => {
    void loadSettings().then((s) => saveSettings({ ...s, sites: { ...s.sites, [host]: { ...s.sites[host], ...patch } } }));
  });
  document.getElementById('reset')!.onclick = async () => {
    const s = await loadSettings();
    delete s.sites[host];
    await saveSettings(s);
    location.reload();
  };
}

void main();
