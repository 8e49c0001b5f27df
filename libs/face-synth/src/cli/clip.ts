/**
 * `nx run face-synth:clip -- --out tmp/clip.y4m --seconds 5 --size 640x480 [--seed 1] [--fps 30]
 * [--stamp] [--set eyewear=0,hat=0]`: a y4m test clip for fake cameras. The face defaults to no
 * eyewear (detectors look for eye whites); `--set` overrides any attribute.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { EDITABLE_ATTRIBUTE_NAMES, type EditableAttributeName } from '@lfe/edit-language';
import { TestClip } from '../clip/test-clip';
import { y4mFrame, y4mHeader } from '../clip/y4m';
import { sample } from '../face/sample';
import { checkDescription } from '../face/validate';
import { intArg, runCli } from './cli-util';

await runCli('clip --out FILE.y4m [--seconds S] [--size WxH] [--fps N] [--seed N] [--stamp] [--set attr=value,…]', async () => {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      seconds: { type: 'string', default: '5' },
      size: { type: 'string', default: '640x480' },
      fps: { type: 'string', default: '30' },
      seed: { type: 'string', default: '1' },
      stamp: { type: 'boolean', default: false },
      set: { type: 'string', default: 'eyewear=0' },
    },
  });
  if (values.out === undefined) throw new TypeError('--out is required');
  const m = /^(\d+)x(\d+)$/.exec(values.size);
  if (!m) throw new TypeError('--size must look like 640x480');
  const width = intArg('size width', m[1], 64, 4096);
  const height = intArg('size height', m[2], 64, 4096);
  const fps = intArg('fps', values.fps, 1, 120);
  const seconds = Number(values.seconds);
  if (!(seconds > 0 && seconds <= 600)) throw new TypeError('--seconds must be in (0, 600]');
  const desc = sample(intArg('seed', values.seed));
  for (const pair of values.set.split(',').filter((p) => p !== '')) {
    const [k, v] = pair.split('=');
    if (!EDITABLE_ATTRIBUTE_NAMES.includes(k as EditableAttributeName)) throw new TypeError(`--set: unknown attribute ${JSON.stringify(k)}`);
    desc.attributes[k as EditableAttributeName] = Number(v);
  }
  const clip = new TestClip(checkDescription(desc), { width, height, fps, stamp: values.stamp });
  const out = resolve(values.out);
  await mkdir(dirname(out), { recursive: true });
  const stream = createWriteStream(out);
  stream.write(y4mHeader(width, height, fps));
  const frames = Math.round(seconds * fps);
  for (let i = 0; i < frames; i++) {
    // A fresh buffer per frame: the stream may still hold the previous one.
    if (!stream.write(y4mFrame(clip.frame(i)))) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  console.log(`wrote ${out}: ${frames} frames ${width}x${height} @ ${fps} fps`);
});
