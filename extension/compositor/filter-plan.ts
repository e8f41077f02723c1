// Which filter a compositor runs, and at which working sizes: the site's settings turned into a
// ladder of tiers for AutoTier (host/auto-tier.ts). "Auto" for videos is the PWA's ladder of x2
// super-resolution tiers; a chosen filter, or a camera filter, keeps its filter and steps its
// working size down on a slow device, since a live picture matters more than its full size.
import { scaleLadder, tierLadder, type Tier } from '../../host/adaptive';
import { CHAIN_SEPARATOR, type FilterEntry } from '../../workers/types';
import type { SessionKind } from '../protocol';
import type { SiteSettings } from '../settings';

export interface FilterPlan {
  ladder: Tier[];
  /** Auto chose the filter itself (shown on the badge). */
  auto: boolean;
  /** The setting this plan came from, to tell whether a settings change needs a new plan. */
  key: string;
}

/** Working sizes for a chosen super-resolution filter (below 3/4 an x2 filter gives back less than the source). */
const SR_SCALES = [1, 0.75];
/** Working sizes for a style filter on a video or a camera; the output is scaled back to the source size. */
const STYLE_SCALES = [1, 0.75, 0.5, 0.375];

/** MACs per source pixel of a filter or chain ("style-anime+sr-x2-fast"): later stages run on the earlier ones' output. */
export function chainMacs(id: string, filters: FilterEntry[]): { macs: number; kind: FilterEntry['kind']; scale: number } | null {
  let macs = 0, area = 1;
  let kind: FilterEntry['kind'] = 'style';
  for (const part of id.split(CHAIN_SEPARATOR)) {
    const f = filters.find((e) => e.id === part);
    if (!f) return null;
    macs += f.macsPerInputPixel * area;
    area *= f.scale * f.scale;
    kind = f.kind;
  }
  return { macs, kind, scale: Math.sqrt(area) };
}

export function planFor(kind: SessionKind, s: SiteSettings, filters: FilterEntry[]): FilterPlan | null {
  const wanted = kind === 'video' ? s.videoFilter : s.cameraFilter;
  const chosen = wanted === 'auto' || wanted === 'off' ? null : chainMacs(wanted, filters);
  if (kind === 'camera') {
    // A camera keeps its size: style filters only.
    if (!chosen || chosen.kind !== 'style' || chosen.scale !== 1) return null;
    return { ladder: scaleLadder(wanted, chosen.macs, STYLE_SCALES), auto: false, key: wanted };
  }
  if (chosen) return { ladder: scaleLadder(wanted, chosen.macs, chosen.kind === 'style' ? STYLE_SCALES : SR_SCALES), auto: false, key: wanted };
  const ladder = tierLadder(filters, 'super-resolution', 2);
  return ladder.length ? { ladder, auto: true, key: 'auto' } : null;
}
