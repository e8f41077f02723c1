// The settings controls shared by the popup (one site) and the options page (the defaults):
// fills the filter lists from the packaged registry and reports each change as a patch.
import { filterChoices, filterNameKey } from '../../host/filter-choices';
import type { FilterEntry } from '../../workers/types';
import { parseRegistry } from '../../workers/registry';
import { t } from '../i18n';
import type { EnhanceMode, SiteSettings } from '../settings';

export async function packagedFilters(): Promise<FilterEntry[]> {
  const res = await fetch(chrome.runtime.getURL('models/registry.json'));
  return parseRegistry(await res.text()).filters;
}

/** A filter's name in the user's language, else the registry's title. */
export const filterName = (f: FilterEntry): string => chrome.i18n.getMessage(filterNameKey(f)) || f.title;

/** Video filters: Auto, then the filters both apps offer. */
export const videoChoices = (filters: FilterEntry[]): [string, string][] => [['auto', t('filterAuto')], ...filterChoices(filters, filterName)];

export function cameraChoices(filters: FilterEntry[]): [string, string][] {
  return [['off', t('cameraOff')], ...filters.filter((f) => f.kind === 'style').map((f): [string, string] => [f.id, filterName(f)])];
}

const fill = (select: HTMLSelectElement, choices: [string, string][], value: string) => {
  select.replaceChildren(...choices.map(([v, label]) => new Option(label, v)));
  select.value = choices.some(([v]) => v === value) ? value : choices[0][0];
};

/** A labelled control, as both pages lay them out. */
function field(id: string, label: string, control: HTMLElement): HTMLElement {
  const wrap = document.createElement('div');
  const l = document.createElement('label');
  l.htmlFor = id;
  l.textContent = label;
  control.id = id;
  if (control instanceof HTMLInputElement && control.type === 'checkbox') {
    wrap.className = 'check';
    wrap.append(control, l);
  } else {
    wrap.className = 'field';
    wrap.append(l, control);
  }
  return wrap;
}

/**
 * Fills `root` with the settings controls and reports each change as a patch. `enhanceLabel`
 * names the mode control (the popup names the site); `cameraDefault` adds that checkbox.
 */
export function renderSettingsForm(
  root: HTMLElement, filters: FilterEntry[], values: SiteSettings, onChange: (patch: Partial<SiteSettings>) => void,
  opts: { enhanceLabel: string; cameraDefault: boolean },
): void {
  const enhance = document.createElement('select');
  fill(enhance, [['button', t('modeButton')], ['always', t('modeAlways')], ['never', t('modeNever')]], values.enhance);
  enhance.onchange = () => onChange({ enhance: enhance.value as EnhanceMode });
  const video = document.createElement('select');
  fill(video, videoChoices(filters), values.videoFilter);
  video.onchange = () => onChange({ videoFilter: video.value });
  const camera = document.createElement('select');
  fill(camera, cameraChoices(filters), values.cameraFilter);
  camera.onchange = () => onChange({ cameraFilter: camera.value });
  const strength = Object.assign(document.createElement('input'), { type: 'range', min: '0', max: '100', step: '5', value: String(Math.round(values.strength * 100)) });
  const shown = document.createElement('output');
  shown.htmlFor.add('strength');
  const show = () => { shown.value = `${strength.value}%`; };
  show();
  strength.oninput = show;
  strength.onchange = () => onChange({ strength: Number(strength.value) / 100 });
  const strengthField = field('strength', t('strength'), strength);
  strengthField.append(shown);
  root.replaceChildren(
    field('enhance', opts.enhanceLabel, enhance),
    field('video-filter', t('videoFilter'), video),
    field('camera-filter', t('cameraFilter'), camera),
  );
  if (opts.cameraDefault) {
    const box = Object.assign(document.createElement('input'), { type: 'checkbox', checked: values.cameraDefault });
    box.onchange = () => onChange({ cameraDefault: box.checked });
    root.append(field('camera-default', t('cameraDefault'), box));
  }
  root.append(strengthField);
}
