// The settings controls shared by the popup (one site) and the options page (the defaults):
// fills the filter lists from the packaged registry and reports each change as a patch.
import type { FilterEntry } from '../../workers/types';
import { CHAIN_SEPARATOR } from '../../workers/types';
import { parseRegistry } from '../../workers/registry';
import { t } from '../i18n';
import type { EnhanceMode, SiteSettings } from '../settings';

export async function packagedFilters(): Promise<FilterEntry[]> {
  const res = await fetch(chrome.runtime.getURL('models/registry.json'));
  return parseRegistry(await res.text()).filters;
}

/** A filter's name in the user's language (messages filter_<id>), else the registry's title. */
export function filterName(f: FilterEntry): string {
  const key = `filter_${f.id.replace(/-/g, '_')}`;
  const name = chrome.i18n.getMessage(key);
  return name || f.title;
}

/** Video filters: Auto, every filter, and each style chained with the fastest x2 super-resolution. */
export function videoChoices(filters: FilterEntry[]): [string, string][] {
  const sr = filters.filter((f) => f.kind === 'super-resolution' && f.scale === 2).sort((a, b) => a.macsPerInputPixel - b.macsPerInputPixel)[0];
  const styles = filters.filter((f) => f.kind === 'style');
  return [
    ['auto', t('filterAuto')],
    ...filters.map((f): [string, string] => [f.id, filterName(f)]),
    ...(sr ? styles.map((f): [string, string] => [`${f.id}${CHAIN_SEPARATOR}${sr.id}`, `${filterName(f)} + ${filterName(sr)}`]) : []),
  ];
}

export function cameraChoices(filters: FilterEntry[]): [string, string][] {
  return [['off', t('cameraOff')], ...filters.filter((f) => f.kind === 'style').map((f): [string, string] => [f.id, filterName(f)])];
}

const fill = (select: HTMLSelectElement, choices: [string, string][], value: string) => {
  select.replaceChildren(...choices.map(([v, label]) => new Option(label, v)));
  select.value = choices.some(([v]) => v === value) ? value : choices[0][0];
};

/** Binds the controls with these ids under `root`: enhance, video-filter, camera-filter, strength (and camera-default if present). */
export function bindSettingsForm(root: ParentNode, filters: FilterEntry[], values: SiteSettings, onChange: (patch: Partial<SiteSettings>) => void): void {
  const $ = <T extends HTMLElement>(id: string) => root.querySelector<T>(`#${id}`);
  const enhance = $<HTMLSelectElement>('enhance')!;
  fill(enhance, [['button', t('modeButton')], ['always', t('modeAlways')], ['never', t('modeNever')]], values.enhance);
  enhance.onchange = () => onChange({ enhance: enhance.value as EnhanceMode });
  const video = $<HTMLSelectElement>('video-filter')!;
  fill(video, videoChoices(filters), values.videoFilter);
  video.onchange = () => onChange({ videoFilter: video.value });
  const camera = $<HTMLSelectElement>('camera-filter')!;
  fill(camera, cameraChoices(filters), values.cameraFilter);
  camera.onchange = () => onChange({ cameraFilter: camera.value });
  const strength = $<HTMLInputElement>('strength')!;
  const shown = $<HTMLOutputElement>('strength-value');
  strength.value = String(Math.round(values.strength * 100));
  const show = () => { if (shown) shown.value = `${strength.value}%`; };
  show();
  strength.oninput = show;
  strength.onchange = () => onChange({ strength: Number(strength.value) / 100 });
  const cameraDefault = $<HTMLInputElement>('camera-default');
  if (cameraDefault) {
    cameraDefault.checked = values.cameraDefault;
    cameraDefault.onchange = () => onChange({ cameraDefault: cameraDefault.checked });
  }
}
