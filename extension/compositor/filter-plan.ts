// Which filter a compositor runs, and at which working sizes: the site's settings turned into a
// ladder of tiers for AutoTier (host/auto-tier.ts). "Auto" for videos is the PWA's ladder of x2
// super-resolution tiers; a chosen filter, or a camera filter, keeps its filter and steps its
// working size down on a slow device, since a live picture matters more than its full size.
import { SR_SCALES, STYLE_SCALES, chainMacs, scaleLadder, tierLadder, type Tier } from '../../host/adaptive';
import type { FilterEntry } from '../../workers/types';
import type { SourceQuality } from '../../host/source-quality';
import type { SessionKind } from '../protocol';
import type { SiteSettings } from '../settings';

export interface FilterPlan {
  ladder: Tier[];
  /** Auto chose the filter itself (shown on the badge). */
  auto: boolean;
  /** The setting this plan came from, to tell whether a settings change needs a new plan. */
  key: string;
}

/** `source`: the video as judged so far (host/source-quality.ts); Auto's ladder for a compressed one is of the filters trained for it. */
export function planFor(kind: SessionKind, s: SiteSettings, filters: FilterEntry[], source: SourceQuality['kind'] = 'unknown'): FilterPlan | null {
  const wanted = kind === 'video' ? s.videoFilter : s.cameraFilter;
  const chosen = wanted === 'auto' || wanted === 'off' ? null : chainMacs(wanted, filters);
  if (kind === 'camera') {
    // A camera keeps its size: style filters only.
    if (!chosen || chosen.kind !== 'style' || chosen.scale !== 1) return null;
    return { ladder: scaleLadder(wanted, chosen.macs, STYLE_SCALES), auto: false, key: wanted };
  }
  if (chosen) return { ladder: scaleLadder(wanted, chosen.macs, chosen.kind === 'style' ? STYLE_SCALES : SR_SCALES), auto: false, key: wanted };
  const ladder = tierLadder(filters, 'super-resolution', 2, source);
  return ladder.length ? { ladder, auto: true, key: `auto:${source === 'compressed' ? source : 'clean'}` } : null;
}
