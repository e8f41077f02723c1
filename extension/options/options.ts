// The options page: the defaults for every site, the sites with settings of their own (always or
// never enhance, added here or from the popup), and the keyboard shortcut that toggles Enhance.
import { localize, t } from '../i18n';
import { loadSettings, onSettingsChanged, saveSettings, type EnhanceMode, type Settings } from '../settings';
import { packagedFilters, renderSettingsForm } from '../ui/settings-form';

const MODES: [EnhanceMode, string][] = [['always', 'modeAlways'], ['never', 'modeNever'], ['button', 'modeButton']];
/** A host name as the address bar shows it (no scheme, path or port). */
const HOST = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

function modeSelect(value: EnhanceMode, label: string): HTMLSelectElement {
  const select = document.createElement('select');
  select.replaceChildren(...MODES.map(([v, key]) => new Option(t(key), v)));
  select.value = value;
  select.setAttribute('aria-label', label);
  return select;
}

async function update(change: (s: Settings) => void): Promise<void> {
  const s = await loadSettings();
  change(s);
  await saveSettings(s);
}

function renderSites(s: Settings): void {
  const body = document.getElementById('sites')!;
  const hosts = Object.keys(s.sites).sort();
  document.getElementById('no-sites')!.hidden = hosts.length > 0;
  body.replaceChildren(...hosts.map((host) => {
    const row = document.createElement('tr');
    const name = document.createElement('td');
    name.textContent = host;
    const mode = modeSelect(s.sites[host].enhance ?? s.defaults.enhance, t('enhanceOnSite', host));
    mode.onchange = () => update((x) => { x.sites[host] = { ...x.sites[host], enhance: mode.value as EnhanceMode }; });
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.textContent = t('removeSite');
    remove.setAttribute('aria-label', t('removeSiteNamed', host));
    remove.onclick = () => update((x) => { delete x.sites[host]; });
    const modeCell = document.createElement('td');
    modeCell.append(mode);
    const actions = document.createElement('td');
    actions.append(remove);
    row.append(name, modeCell, actions);
    return row;
  }));
}

async function showShortcut(): Promise<void> {
  const commands = await chrome.commands.getAll();
  const toggle = commands.find((c) => c.name === 'toggle-enhance');
  document.getElementById('shortcut')!.textContent = toggle?.shortcut || t('shortcutNone');
}

async function main(): Promise<void> {
  localize(document);
  const [settings, filters] = await Promise.all([loadSettings(), packagedFilters()]);
  renderSettingsForm(document.getElementById('defaults')!, filters, settings.defaults, (patch) => update((s) => { s.defaults = { ...s.defaults, ...patch }; }), {
    enhanceLabel: t('enhanceVideos'), cameraDefault: true,
  });
  renderSites(settings);
  onSettingsChanged(renderSites);
  const newMode = document.getElementById('new-mode') as HTMLSelectElement;
  newMode.replaceChildren(...MODES.slice(0, 2).map(([v, key]) => new Option(t(key), v)));
  document.getElementById('add-site')!.onsubmit = (e) => {
    e.preventDefault();
    const input = document.getElementById('new-host') as HTMLInputElement;
    const raw = input.value.trim().toLowerCase();
    // Accept a pasted address too: keep its host name.
    let host = raw;
    try {
      if (/^[a-z]+:\/\//.test(raw)) host = new URL(raw).hostname;
    } catch { /* not an address: checked below */ }
    const error = document.getElementById('add-error')!;
    if (!HOST.test(host)) {
      error.textContent = t('badHost', raw);
      return;
    }
    error.textContent = '';
    input.value = '';
    void update((s) => { s.sites[host] = { ...s.sites[host], enhance: newMode.value as EnhanceMode }; });
  };
  await showShortcut();
  document.getElementById('change-shortcut')!.onclick = () => {
    // Browsers let the user set extension shortcuts only on their own page.
    void chrome.tabs.create({ url: navigator.userAgent.includes('Firefox') ? 'about:addons' : 'chrome://extensions/shortcuts' });
  };
}

void main();
