import type { FaceDescription } from '@lfe/edit-language';
import { desaturate, hsl, luma, mix, ramp, scale } from '../raster/color';
import { fastSin } from '../raster/fast-sin';
import { Raster, type Rgb, type Shader } from '../raster/raster';
import {
  above,
  band,
  bumpy,
  capsule,
  circle,
  ellipse,
  faceOval,
  intersect,
  offset,
  outline,
  roundedBox,
  subtract,
  union,
  type Shape,
} from '../raster/shape';
import { faceLayout } from './layout';
import { nuisanceOf, type Nuisance } from './nuisance';
import {
  EARRING_COLORS,
  EYE_COLORS,
  EYE_WHITE,
  FRAME_COLORS,
  HAIR_COLORS,
  LIPSTICK,
  MOUTH_INSIDE,
  NATURAL_LIP,
  PUPIL,
  SKIN_RAMP,
  SUNGLASS_TINT,
  TEETH,
} from './palette';
import type { Placement } from './placement';
import { portraitPlacement } from './placement';
import { checkDescription } from './validate';

/** An 8-bit RGB image, rows top to bottom, pixels interleaved. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface RenderOptions {
  /** Overrides of the identity-derived nuisance (clips animate yaw, pitch and gaze). */
  nuisance?: Partial<Nuisance>;
  /** Eye openness, 1 = open (default), 0 = closed: blinks. */
  eyeOpen?: number;
  /** Faint deterministic sensor noise (default on). */
  noise?: boolean;
}

export const MIN_SIZE = 32;
export const MAX_SIZE = 256;
/**
 * Bumped whenever the same description renders differently, so a model's provenance says which
 * world it saw. 2 (session 3): wider eye-size and brow ranges, lenses fitted to the eyes and 55 %
 * opaque sunglasses, bangs ending above the brows, hats worn higher, ordinal jitter ±0.2 bin.
 */
export const RENDERER_VERSION = 2;

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);
/** Opacity of sunglass lenses: dark, yet the eye whites still show how big the eyes are. */
const SUNGLASS_ALPHA = 0.55;

function blendPalette(palette: readonly Rgb[], v: number): Rgb {
  const i = Math.min(palette.length - 2, Math.max(0, Math.floor(v)));
  return mix(palette[i] as Rgb, palette[i + 1] as Rgb, clamp01(v - i));
}

/** A shader for a lit, roughly spherical surface centred at (cx, cy) with radii (rx, ry). */
function litSurface(
  color: Rgb,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  light: readonly [number, number, number],
  strength: number,
  texture?: (x: number, y: number) => number,
): Shader {
  const [lx, ly, lz] = light;
  const [r, g, b] = color;
  const ambient = 1 - strength * 0.75;
  const irx = 1 / rx;
  const iry = 1 / ry;
  return (x, y, out) => {
    const nx = (x - cx) * irx;
    const ny = (y - cy) * iry;
    const nz = Math.sqrt(Math.max(0.04, 1 - nx * nx - ny * ny));
    const ndl = (nx * lx + ny * ly + nz * lz) / Math.sqrt(nx * nx + ny * ny + nz * nz);
    let k = ambient + strength * (ndl > 0 ? ndl : 0);
    if (texture !== undefined) k *= texture(x, y);
    out[0] = r * k;
    out[1] = g * k;
    out[2] = b * k;
  };
}

/** Draw background and face into `raster` (the whole raster is overwritten). */
export function drawFace(
  raster: Raster,
  description: FaceDescription,
  placement: Placement,
  options: RenderOptions = {},
): void {
  const desc = checkDescription(description);
  const a = desc.attributes;
  const id = desc.identity;
  const nz: Nuisance = { ...nuisanceOf(id), ...options.nuisance };
  const eyeOpen = clamp01(options.eyeOpen ?? 1);
  const fill = (shape: Shape, paint: Rgb | Shader, alpha = 1): void => raster.fill(shape, paint, alpha);

  // ---- identity -------------------------------------------------------------------------------
  const man = clamp01(id.gender);
  const old = clamp01(a.age);
  const L = faceLayout(desc, nz);
  const { fw, ryTop, ryBottom, jaw, hx, fx, fy } = L;
  const skinBase = ramp(SKIN_RAMP, id.skinTone);
  // Age: a greyer, paler skin tint (plus the wrinkles drawn below).
  const skin = mix(desaturate(skinBase, 0.45 * old), [200, 196, 190], 0.12 * old);
  const hairColor = blendPalette(HAIR_COLORS, a.hairColor);
  const lightLen = Math.hypot(Math.cos(nz.lightAngle), Math.sin(nz.lightAngle), 0.9);
  const light = [Math.cos(nz.lightAngle) / lightLen, Math.sin(nz.lightAngle) / lightLen, 0.9 / lightLen] as const;
  const strength = nz.lightStrength;

  // ---- background -----------------------------------------------------------------------------
  const bgLight = (id.skinTone < 0.5 ? 0.3 : 0.74) + nz.backgroundLightness;
  const bgTop = hsl(id.background, nz.backgroundSaturation, bgLight + 0.05);
  const bgBottom = hsl(id.background, nz.backgroundSaturation, bgLight - 0.07);
  const h = raster.height;
  raster.fillRows((y, out) => {
    const t = y / Math.max(1, h - 1);
    out[0] = bgTop[0] + (bgBottom[0] - bgTop[0]) * t;
    out[1] = bgTop[1] + (bgBottom[1] - bgTop[1]) * t;
    out[2] = bgTop[2] + (bgBottom[2] - bgTop[2]) * t;
  });
  raster.setTransform(placement.cx, placement.cy, placement.unit, placement.roll);

  // ---- hair geometry --------------------------------------------------------------------------
  const curly = clamp01(a.curlyHair);
  const hl = clamp01(a.hairLength);
  // Short hair ends above the ears, medium between jaw and chin, long on the shoulders.
  const hairBottom = -0.45 + 1.75 * hl;
  const volume = 0.035 * curly;
  let skull: Shape = ellipse(hx, -0.1, fw + 0.065 + volume, 0.53 + volume);
  if (curly > 0) skull = bumpy(skull, 0.03 * curly, 38, nz.hairPhase);
  const hairTexture =
    curly > 0.5
      ? (x: number, y: number): number =>
          0.88 + 0.22 * fastSin(44 * x + 2.5 * fastSin(31 * y) + nz.hairPhase) * fastSin(44 * y + 2.5 * fastSin(29 * x) - nz.hairPhase)
      : (x: number, y: number): number => 0.94 + 0.08 * fastSin(70 * x + 6 * fastSin(7 * y + nz.hairPhase));
  const hairShader = litSurface(hairColor, hx, -0.15, fw + 0.2, 0.75, light, strength + 0.1, hairTexture);

  // Back hair: the mass behind the head, down to the hair length.
  if (hairBottom > -0.1) {
    const flare = 0.07 + 0.07 * clamp01(hl * 2 - 1);
    let curtain: Shape = roundedBox(hx, (hairBottom - 0.1) / 2, fw + flare, (hairBottom + 0.1) / 2, 0.08);
    if (curly > 0) curtain = bumpy(curtain, 0.035 * curly, 38, nz.hairPhase);
    fill(union(skull, curtain), hairShader);
  }

  // ---- neck, shirt, ears, face ----------------------------------------------------------------
  const skinShader = litSurface(skin, hx, 0, fw, 0.55, light, strength);
  const neck = roundedBox(hx * 0.5, 0.66, fw * 0.5 + 0.04 * man, 0.32, 0.06);
  fill(neck, litSurface(scale(skin, 0.86), hx, 0.55, fw * 0.9, 0.5, light, strength));
  const shirtColor = hsl(nz.shirtHue, 0.45, nz.shirtLightness);
  const shoulders = 0.95 + 0.12 * man;
  // Shoulders plus a torso running off the bottom of any frame (clips show more than a portrait).
  const torso = union(ellipse(0, 1.26, shoulders, 0.5), roundedBox(0, 2.6, shoulders, 1.34, 0));
  const shirt = subtract(torso, ellipse(hx * 0.5, 0.78, 0.17 + 0.04 * man, 0.1));
  fill(shirt, litSurface(shirtColor, 0, 1.2, 1.1, 0.7, light, strength));

  for (const side of [-1, 1]) {
    const ex = side * (fw - 0.005) + hx - fx * 0.4;
    fill(ellipse(ex, -0.02, 0.06, 0.1, side * 0.15), skinShader);
    fill(ellipse(ex + side * 0.01, -0.02, 0.028, 0.06, side * 0.15), scale(skin, 0.72), 0.7);
  }

  const face = faceOval(hx, 0, fw, ryTop, ryBottom, jaw);
  fill(face, skinShader);
  // A soft shadow under the cheekbones gives the oval some relief.
  for (const side of [-1, 1]) {
    fill(ellipse(hx + side * fw * 0.72, 0.18, fw * 0.22, 0.16), scale(skin, 0.88), 0.35);
  }

  // ---- eyes and brows -------------------------------------------------------------------------
  const { eyeScale: es, eyeY, eyeDx, eyeXs, eyeRx, eyeRy } = L;
  const iris = blendPalette(EYE_COLORS, id.eyeColor);
  for (const [i, ex] of eyeXs.entries()) {
    const side = i === 0 ? -1 : 1;
    // Turning away narrows the far eye.
    const rx = eyeRx * (1 - 0.15 * nz.yaw * side);
    fill(ellipse(ex, eyeY - 0.005, rx * 1.3, eyeRy * 1.5 + 0.02), scale(skin, 0.8), 0.3);
    const openRy = eyeRy * eyeOpen;
    if (openRy > 0.006) {
      const white = ellipse(ex, eyeY, rx, openRy);
      fill(white, EYE_WHITE);
      const gx = ex + nz.gaze * rx * 0.35;
      fill(intersect(circle(gx, eyeY, 0.042 * es), white), iris);
      fill(intersect(circle(gx, eyeY, 0.019 * es), white), PUPIL);
      fill(circle(gx + 0.012 * es, eyeY - 0.012 * es, 0.008 * es), [255, 255, 255], 0.8);
    }
    // Upper lid and lashes: a dark arc over the eye (or the closed lid line).
    const lidY = eyeY - openRy * 0.85;
    const lashes = 0.011 + 0.006 * (1 - man);
    fill(
      band({ cx: ex, cy: lidY, halfLength: rx * 1.08, bend: (openRy * 0.85) / (rx * rx), halfThickness: lashes, endRatio: 0.4 }),
      [30, 22, 22],
    );
    if (man < 0.5) {
      fill(capsule(ex + side * rx * 1.02, eyeY - openRy * 0.2, ex + side * (rx * 1.02 + 0.03), eyeY - openRy * 0.2 - 0.025, 0.007), [30, 22, 22], 1 - man * 2);
    }
  }

  // Brows follow the hair colour but always stay well darker than the skin, so their thickness
  // reads on every skin tone.
  const browBase = mix(hairColor, [34, 26, 22], 0.45);
  const browColor = scale(browBase, Math.min(1, (0.3 * luma(skin)) / Math.max(0.01, luma(browBase))));
  const browT = 0.004 + 0.16 * clamp01(a.eyebrows);
  for (const [i, ex] of eyeXs.entries()) {
    const side = i === 0 ? -1 : 1;
    fill(
      band({
        cx: ex + side * 0.01,
        cy: -0.17 + fy + (0.01 - man * 0.015),
        angle: side * 0.08,
        halfLength: 0.07 + 0.045 * clamp01(a.eyebrows),
        bend: 1.6,
        halfThickness: browT / 2,
        endRatio: 0.45,
      }),
      browColor,
    );
  }

  // ---- age lines ------------------------------------------------------------------------------
  const { mouthX, mouthY, mouthHalfWidth: mouthW } = L;
  if (old > 0) {
    const line = scale(skin, 0.5);
    const wa = 0.8 * old;
    for (let k = 0; k < 3; k++) {
      fill(band({ cx: hx + fx * 0.5, cy: -0.26 - k * 0.035, halfLength: fw * 0.5, bend: 0.6, halfThickness: 0.009, endRatio: 0.3 }), line, wa);
    }
    for (const [i, ex] of eyeXs.entries()) {
      const side = i === 0 ? -1 : 1;
      // Bags under the eyes, crow's feet, nose-to-mouth folds, lines from the mouth corners.
      fill(band({ cx: ex, cy: eyeY + eyeRy + 0.03, halfLength: 0.06, bend: -3, halfThickness: 0.009, endRatio: 0.3 }), line, wa);
      for (const dy of [-0.018, 0.018]) {
        fill(band({ cx: ex + side * (eyeRx + 0.05), cy: eyeY + dy, angle: side * dy * 12, halfLength: 0.03, halfThickness: 0.008, endRatio: 0.3 }), line, wa);
      }
      fill(band({ cx: hx + fx + side * 0.12, cy: 0.2 + fy, angle: side * -1.15, halfLength: 0.09, bend: side * -1.5, halfThickness: 0.011, endRatio: 0.3 }), line, wa);
      fill(band({ cx: hx + fx + side * (mouthW + 0.015), cy: mouthY + 0.07, angle: side * 1.35, halfLength: 0.045, halfThickness: 0.009, endRatio: 0.3 }), line, wa);
    }
  }

  // ---- nose -----------------------------------------------------------------------------------
  const ns = clamp01(id.noseSize);
  const { noseX, noseWidth: noseW, noseTipY: tipY } = L;
  const shadowSide = light[0] > 0 ? -1 : 1;
  const shade = scale(skin, 0.62);
  fill(capsule(noseX + shadowSide * 0.022, -0.01 + fy, noseX + shadowSide * noseW * 0.8, tipY - 0.03, 0.01), shade, 0.35);
  fill(ellipse(noseX, tipY - 0.012, noseW, noseW * 0.75), scale(skin, 1.08), 0.35);
  for (const side of [-1, 1]) {
    fill(ellipse(noseX + side * noseW * 0.65, tipY + 0.004, 0.014 + 0.01 * ns, 0.009 + 0.005 * ns, side * 0.35), scale(skin, 0.4), 0.9);
  }

  // ---- beard ----------------------------------------------------------------------------------
  // Facial hair must contrast with the skin: unless clearly lighter (grey on dark skin), darken it.
  const beardBase = mix(hairColor, [40, 32, 28], 0.2);
  const beardColor =
    luma(beardBase) > luma(skin) + 0.25 ? beardBase : scale(beardBase, Math.min(1, (0.6 * luma(skin)) / Math.max(0.01, luma(beardBase))));
  // Warped grids read as hair texture rather than a mesh.
  const stubble = (x: number, y: number): number =>
    0.86 + 0.14 * fastSin(90 * x + 3 * fastSin(50 * y) + nz.hairPhase) * fastSin(90 * y + 3 * fastSin(47 * x));
  if (a.beard > 0) {
    const beard = subtract(offset(faceOval(hx, 0.02, fw, ryTop, ryBottom, jaw), 0.025), ellipse(hx + fx, -0.06, fw * 0.86, 0.34));
    const shape = curly > 0 ? bumpy(beard, 0.02 * curly, 50, nz.hairPhase) : beard;
    fill(shape, litSurface(beardColor, hx, 0.1, fw, 0.6, light, strength, stubble), clamp01(a.beard));
  }

  // ---- mouth ----------------------------------------------------------------------------------
  const lip = mix(mix(scale(skin, 0.72), NATURAL_LIP, 0.55), LIPSTICK, clamp01(a.lipstick));
  const expr = Math.min(2, Math.max(0, a.expression));
  const lipFull = 0.017 + 0.006 * (1 - man) + 0.004 * clamp01(a.lipstick);
  if (expr <= 1) {
    const s = expr;
    const w = mouthW * (1 + 0.2 * s);
    const bend = -5.5 * s;
    // A smile shows a crescent of teeth between the lips.
    fill(band({ cx: mouthX, cy: mouthY - 0.016 * s, halfLength: w, bend, halfThickness: lipFull + 0.004, endRatio: 0.2 }), lip);
    fill(band({ cx: mouthX, cy: mouthY + 0.018 + 0.01 * s, halfLength: w * 0.95, bend, halfThickness: lipFull + 0.006, endRatio: 0.2 }), lip);
    if (s > 0.05) {
      fill(band({ cx: mouthX, cy: mouthY + 0.005, halfLength: w * 0.85, bend, halfThickness: 0.018 * s, endRatio: 0.1 }), TEETH);
    }
    fill(band({ cx: mouthX, cy: mouthY + 0.003 - 0.008 * s, halfLength: w * 1.02, bend, halfThickness: 0.0055, endRatio: 0.5 }), scale(lip, 0.45));
  } else {
    const o = expr - 1;
    const inRy = 0.02 + 0.055 * o;
    const inner = ellipse(mouthX, mouthY + 0.015, mouthW * 0.78, inRy);
    fill(ellipse(mouthX, mouthY + 0.015, mouthW * 0.95, inRy + lipFull + 0.012), lip);
    fill(inner, MOUTH_INSIDE);
    fill(intersect(inner, above(inner, mouthY + 0.015 - inRy + 0.018)), TEETH);
  }

  // ---- moustache ------------------------------------------------------------------------------
  if (a.moustache > 0) {
    fill(
      band({ cx: mouthX, cy: mouthY - 0.048, halfLength: mouthW * 1.25, bend: 3.2, halfThickness: 0.032, endRatio: 0.3 }),
      litSurface(beardColor, hx, 0.1, fw, 0.6, light, strength, stubble),
      clamp01(a.moustache),
    );
  }

  // ---- front hair: cap, side locks, bangs -----------------------------------------------------
  const window = ellipse(hx + 0.03 * nz.hairPart, 0.12, fw * 0.94, 0.5);
  fill(above(subtract(skull, window), -0.1), hairShader);
  if (hairBottom > 0) {
    const lockBottom = hairBottom;
    for (const side of [-1, 1]) {
      let lock: Shape = roundedBox(hx + side * (fw + 0.01), (lockBottom - 0.3) / 2, 0.075 + 0.02 * curly, (lockBottom + 0.3) / 2, 0.05);
      if (curly > 0) lock = bumpy(lock, 0.03 * curly, 38, nz.hairPhase);
      fill(lock, hairShader);
    }
  }
  if (a.bangs > 0) {
    // The fringe ends above the brows, so brow thickness stays visible under bangs.
    const edge = -0.255 + fy * 0.5;
    const phase = nz.hairPhase;
    const zig = 0.012 + 0.01 * curly;
    const sd = skull.d;
    const fringe: Shape = {
      d: (x, y) => Math.max(sd(x, y), y - (edge + zig * fastSin(55 * x + phase)), Math.abs(x - hx) - fw * 0.97),
      bounds: [hx - fw, -0.7, hx + fw, edge + zig],
    };
    fill(fringe, hairShader, clamp01(a.bangs));
  }

  // ---- hat ------------------------------------------------------------------------------------
  if (a.hat > 0) {
    const hatColor = hsl(nz.hatHue, 0.55, 0.38);
    const hatShader = litSurface(hatColor, hx, -0.45, fw + 0.12, 0.45, light, strength);
    // Worn high enough that a fringe still shows between the brim and the brows.
    const brim = -0.37;
    const crown = above(ellipse(hx, brim - 0.03, fw + 0.09, 0.38), brim);
    const alpha = clamp01(a.hat);
    fill(crown, hatShader, alpha);
    fill(intersect(roundedBox(hx, brim - 0.07, fw + 0.1, 0.022, 0), crown), scale(hatColor, 0.55), alpha);
    fill(roundedBox(hx, brim, fw + 0.15, 0.03, 0.025), litSurface(scale(hatColor, 0.85), hx, brim, fw + 0.2, 0.2, light, strength), alpha);
  }

  // ---- eyewear --------------------------------------------------------------------------------
  const eyewear = Math.min(2, Math.max(0, a.eyewear));
  if (eyewear > 0) {
    const frame = FRAME_COLORS[nz.frameColor % FRAME_COLORS.length] as Rgb;
    const rim = clamp01(eyewear);
    const tint = clamp01(eyewear - 1);
    const lensY = eyeY + 0.005;
    // Lenses are fitted to the eyes (they never cut into big eyes), so eye size still shows
    // through dark lenses as the size of the lenses.
    const lensW = eyeRx + 0.04;
    const lensH = eyeRy + 0.035;
    for (const [i, ex] of eyeXs.entries()) {
      const side = i === 0 ? -1 : 1;
      const lens = roundedBox(ex, lensY, lensW, lensH, 0.045);
      if (tint > 0) {
        // Dark but not opaque: eye whites and pupils still read through (eye size stays visible).
        const tintShader: Shader = (x, y, out) => {
          // A bluish sheen keeps dark lenses distinct from dark skin.
          const glint = 0.5 + 0.5 * fastSin((x - ex) * 20 - (y - lensY) * 14);
          out[0] = SUNGLASS_TINT[0] + 18 * glint;
          out[1] = SUNGLASS_TINT[1] + 28 * glint;
          out[2] = SUNGLASS_TINT[2] + 60 * glint;
        };
        fill(lens, tintShader, SUNGLASS_ALPHA * tint);
      }
      fill(outline(lens, 0.012), frame, rim);
      fill(capsule(ex + side * lensW, lensY - 0.03, hx + side * (fw + 0.005), lensY - 0.045, 0.011), frame, rim);
    }
    fill(band({ cx: hx + fx, cy: lensY - 0.035, halfLength: eyeDx - lensW, bend: 2, halfThickness: 0.011 }), frame, rim);
  }

  // ---- earrings -------------------------------------------------------------------------------
  if (a.earrings > 0) {
    const metal = EARRING_COLORS[nz.earringColor % EARRING_COLORS.length] as Rgb;
    const alpha = clamp01(a.earrings);
    for (const side of [-1, 1]) {
      const x = side * (fw + 0.005) + hx - fx * 0.4;
      const drop = union(circle(x, 0.075, 0.022), capsule(x, 0.08, x, 0.14, 0.013), circle(x, 0.165, 0.04));
      fill(offset(drop, 0.012), [25, 20, 20], alpha);
      fill(drop, litSurface(metal, x, 0.14, 0.04, 0.04, light, 0.5), alpha);
    }
  }

  finish(raster, nz, options.noise ?? true);
}

/** Exposure, colour temperature and a faint deterministic grain, in one pass. */
function finish(raster: Raster, nz: Nuisance, noise: boolean): void {
  const p = raster.pixels;
  const kr = nz.exposure * (1 + 0.04 * nz.warmth);
  const kg = nz.exposure;
  const kb = nz.exposure * (1 - 0.05 * nz.warmth);
  let state = nz.noiseSeed | 1;
  const amp = noise ? 3 / 0x80000000 : 0;
  for (let i = 0; i < p.length; i += 3) {
    // xorshift32: one shared grain value per pixel keeps it cheap.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    const g = state * amp;
    p[i] = (p[i] as number) * kr + g;
    p[i + 1] = (p[i + 1] as number) * kg + g;
    p[i + 2] = (p[i + 2] as number) * kb + g;
  }
}

const rasters = new Map<number, Raster>();

/**
 * Render a face as a square RGB image of `size` × `size` pixels (32…256). Deterministic: the same
 * description, size and options give the same bytes.
 */
export function render(desc: FaceDescription, size: number, options: RenderOptions = {}): RgbImage {
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new RangeError(`render: size must be an integer in ${MIN_SIZE}…${MAX_SIZE}, got ${size}`);
  }
  // One framebuffer per size, reused: rendering allocates only its output.
  let raster = rasters.get(size);
  if (raster === undefined) {
    raster = new Raster(size, size);
    rasters.set(size, raster);
  }
  const checked = checkDescription(desc);
  drawFace(raster, checked, portraitPlacement(checked, size), options);
  return { data: raster.toRgb8(), width: size, height: size };
}
