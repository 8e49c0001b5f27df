/**
 * What both schedules of `LiveFaceEditor` do the same way: each session's tracker, pose filter and
 * edit ramp; locating the face in a frame (detect → pose-filtered alignment); the region masks of a
 * local-replace composite.
 */
import type { Alignment } from '../align/align';
import { FaceTracker, alignmentFromFix, type FaceFix } from '../detect/tracker';
import { editedAttributes, regionMask } from '../paste/regions';
import { OneEuroFilter, Ramp } from '../temporal/one-euro';
import type { LiveEditOptions, LiveItem, LiveResult } from './live-options';

/** Per-session state both schedules keep. */
export interface TrackedSession {
  tracker: FaceTracker;
  pose: OneEuroFilter;
  /** The ramp between edits (inline: between the previous and the current command; async: its duration is the cross-fade's). */
  ramp: Ramp;
  /** The face was lost (or the edit ended) since the session's last model job: reset its latent filter. */
  lost: boolean;
}

/** A new session's tracker, pose filter and ramp. */
export async function trackedSession(opts: LiveEditOptions): Promise<TrackedSession> {
  return {
    tracker: await FaceTracker.create(opts),
    pose: new OneEuroFilter(opts.poseFilter ?? { minCutoff: 1.5, beta: 0.05 }),
    ramp: new Ramp(opts.rampMs ?? 250),
    lost: true,
  };
}

/**
 * Find the face in the frame (`follow` the last landmark fix when asked to and it can, else the
 * landmark net) and its pose-filtered alignment, timing both into `result`; null (and the session
 * marked lost) without a face.
 */
export async function locateFace(s: TrackedSession, item: LiveItem, follow: boolean, result: LiveResult, opts: LiveEditOptions): Promise<Alignment | null> {
  let t = performance.now();
  const followed = follow ? s.tracker.follow(item.frame) : null;
  const fix = followed ?? (await s.tracker.track(item.frame));
  result.followed = followed !== null;
  result.stages.detect = performance.now() - t;
  if (fix === null) {
    s.pose.reset();
    s.lost = true;
    return null;
  }
  t = performance.now();
  const align = poseAlignment(s, fix, item.timestampMs, opts);
  result.stages.align = performance.now() - t;
  result.face = true;
  return align;
}

/** The pose-filtered alignment of a fix. */
function poseAlignment(s: TrackedSession, fix: FaceFix, timestampMs: number, opts: LiveEditOptions): Alignment {
  const raw = alignmentFromFix(fix, opts.framing);
  // Filter roll as a unit vector so ±π does not wrap.
  const p = s.pose.filter([raw.cx, raw.cy, raw.scale, Math.cos(raw.roll), Math.sin(raw.roll)], timestampMs);
  const a: Alignment = { cx: p[0]!, cy: p[1]!, scale: p[2]!, roll: Math.atan2(p[4]!, p[3]!) };
  return raw.template !== undefined ? { ...a, template: raw.template } : a;
}

/** Local-replace: region masks by the commands whose faces they cover (nothing otherwise). */
export class RegionMasks {
  readonly #local: boolean;
  readonly #model: { readonly resolution: number };
  readonly #masks = new Map<string, Float32Array>();

  constructor(local: boolean, model: { readonly resolution: number }) {
    this.#local = local;
    this.#model = model;
  }

  /** Local-replace: the paste mask of the faces generated for these commands (the union of their regions); undefined otherwise. */
  maskFor(commands: ReadonlyArray<string | null>): Float32Array | undefined {
    if (!this.#local) return undefined;
    // Keyed by the command texts: a frame's lookup parses nothing.
    const key = commands.join('\u0000');
    let m = this.#masks.get(key);
    if (m === undefined) {
      const attrs = [...new Set(commands.flatMap((c) => (c === null ? [] : editedAttributes(c))))];
      m = regionMask(attrs, this.#model.resolution);
      if (this.#masks.size > 256) this.#masks.clear();
      this.#masks.set(key, m);
    }
    return m;
  }
}
