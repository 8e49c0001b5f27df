import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { StreamServer } from '../http/server';
import { percentileOfSorted } from '../media/stats';
import type { EditProcessor } from '../media/edit-processor';
import { DEFAULT_MODEL, parseModelName, type LiveComposite, type ModelName } from '@lfe/face-pipeline';
import { createFrameProcessor } from '../processors';
import { createLogger } from '../util/log';
import { faceClipSource } from '../testing/face-clip';
import { realFaceClipSource } from '../testing/real-face-clip';
import { TestPublisher } from '../testing/werift-client';

/** What `--help` prints (the live benchmark's documentation). */
const USAGE = [
  "usage: npx nx run stream-server:bench -- [options]",
  "",
  "Live benchmark: N real werift publishers stream a stamped VP8 test pattern over WHIP to an",
  "in-process server and decode what comes back. Latency = send of frame n's packets → arrival of",
  "the returned frame n's packets (read from the pixels after decoding), i.e. server frame-in →",
  "RTP-out plus loopback. Client and server share this machine's cores: every stream runs four",
  "ffmpeg processes (client encoder, server decoder + encoder, client decoder).",
  "Every run sends the same stamped face clip; `--effect none,edit` runs the passthrough baseline and",
  "the full face pipeline (with \"add glasses\" active in every session) in the same invocation;",
  "`--composite delta,replace` runs each edit configuration with both paste-back composites;",
  "`--refine-edit 0,10` runs each edit configuration without and with per-person edit refinement",
  "(steady state: the refined offset is made once per session, in the warm-up);",
  "`--schedule inline,async` runs the inline schedule (one row per `--model-every`) and the async one",
  "(the model in its own thread; no frame waits for it).",
  `\`--model synthetic|real\` (default ${DEFAULT_MODEL}) picks the model; the clip is a face of that model's`,
  "world: a face-synth render for the synthetic model, for the real one the first full-size test face",
  "without glasses from the real-face data set (`--data DIR`, default ../shared/realface), panned,",
  "zoomed and turned over a background (made at run time, never stored).",
].join('\n');
if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
  console.log(USAGE);
  process.exit(0);
}
const { values } = parseArgs({
  options: {
    effect: { type: 'string', default: 'none,edit' },
    model: { type: 'string' },
    data: { type: 'string' },
    editor: { type: 'string' },
    generator: { type: 'string' },
    command: { type: 'string', default: 'add glasses' },
    'model-every': { type: 'string', default: '1,2' },
    composite: { type: 'string', default: 'delta' },
    'refine-edit': { type: 'string', default: '0' },
    schedule: { type: 'string', default: 'inline' },
    streams: { type: 'string', default: '1,2,4' },
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    width: { type: 'string', default: '640' },
    height: { type: 'string', default: '480' },
    fps: { type: 'string', default: '30' },
    json: { type: 'string' },
  },
});

const model: ModelName = parseModelName(values.model ?? DEFAULT_MODEL);

interface Run {
  effect: string;
  model: ModelName;
  /** Model every N frames (edit runs, inline schedule). */
  modelEvery?: number;
  /** When the model runs (edit runs). */
  schedule?: 'inline' | 'async';
  /** Paste-back composite (edit runs). */
  composite?: LiveComposite;
  /** Edit refinement steps (edit runs). */
  refineEdit?: number;
  sessions: number;
  fpsOut: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  matchedFrames: number;
  stagesMs: { procP50: number; procP95: number; serverPipelineP50: number; serverPipelineP95: number; decodeP50: number; waitP50: number; encodeP50: number; eventLoopDelayP50: number; eventLoopDelayP99: number; edit?: Record<string, number> };
  droppedPerSession: number;
}

async function runOnce(effect: 'none' | 'edit', schedule: 'inline' | 'async', modelEvery: number, composite: LiveComposite, refineEdit: number, sessions: number, seconds: number, warmup: number, width: number, height: number, fps: number): Promise<Run> {
  const processor = createFrameProcessor(effect, {
    model,
    composite,
    ...(values.editor !== undefined ? { editorDir: values.editor } : {}),
    ...(values.generator !== undefined ? { generatorDir: values.generator } : {}),
    modelEvery,
    schedule,
    refineEdit,
    log: createLogger({ app: 'bench' }, { level: 'warn' }),
  });
  await processor.start?.();
  const server = await StreamServer.start({
    host: '127.0.0.1',
    port: 0,
    maxSessions: sessions,
    processor,
    width,
    height,
    fps,
    viewerDist: '/nonexistent',
    log: createLogger({ app: 'bench' }, { level: 'warn' }),
  });
  const clip = model === 'real' ? await realFaceClipSource(width, height, fps, values.data !== undefined ? { data: values.data } : {}) : faceClipSource(width, height, fps);
  const pubs = Array.from({ length: sessions }, () => new TestPublisher({ baseUrl: server.url, width, height, fps, source: clip.source }));
  try {
    for (const [i, p] of pubs.entries()) {
      await p.publish(`bench-${i}`);
      if (effect === 'edit') server.sessions.get(`bench-${i}`)?.handleMessage(JSON.stringify({ type: 'command', text: values.command }), { send: () => undefined });
    }
    for (const p of pubs) p.start();
    await new Promise((r) => setTimeout(r, warmup * 1000));
    const t0 = performance.now();
    const startCounts = pubs.map((p) => p.frames.length);
    const startNs = pubs.map((p) => p.frames.at(-1)?.n ?? -1);
    // How late this process's event loop runs callbacks (the server's and the clients' I/O share it).
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    loop.disable();
    const elapsed = (performance.now() - t0) / 1000;
    const latencies: number[] = [];
    let fpsSum = 0;
    for (const [i, p] of pubs.entries()) {
      const frames = p.frames.filter((f) => f.n > (startNs[i] as number));
      fpsSum += frames.length / elapsed;
      for (const f of frames) {
        const sent = p.sentAt.get(f.n);
        if (sent !== undefined) latencies.push(f.arrivalMs - sent);
      }
      void startCounts;
    }
    latencies.sort((a, b) => a - b);
    const stats = [...server.sessions.values()].map((s) => s.video.stats());
    const mean = (xs: number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
    const r1 = (x: number): number => Math.round(x * 10) / 10;
    return {
      effect,
      model,
      ...(effect === 'edit' ? { schedule, ...(schedule === 'inline' ? { modelEvery } : {}), composite, refineEdit } : {}),
      sessions,
      fpsOut: r1(fpsSum / sessions),
      latencyP50Ms: r1(percentileOfSorted(latencies, 50)),
      latencyP95Ms: r1(percentileOfSorted(latencies, 95)),
      matchedFrames: latencies.length,
      stagesMs: {
        procP50: r1(mean(stats.map((s) => s.procMs.p50))),
        procP95: r1(mean(stats.map((s) => s.procMs.p95))),
        serverPipelineP50: r1(mean(stats.map((s) => s.pipelineMs.p50))),
        serverPipelineP95: r1(mean(stats.map((s) => s.pipelineMs.p95))),
        decodeP50: r1(mean(stats.map((s) => s.stagesMs.decode.p50))),
        waitP50: r1(mean(stats.map((s) => s.stagesMs.wait.p50))),
        encodeP50: r1(mean(stats.map((s) => s.stagesMs.encode.p50))),
        eventLoopDelayP50: r1(loop.percentile(50) / 1e6),
        eventLoopDelayP99: r1(loop.percentile(99) / 1e6),
        ...(effect === 'edit' ? { edit: Object.fromEntries(Object.entries((processor as EditProcessor).stageMeans()).map(([k, v]): [string, number] => [k, r1(v as number)])) } : {}),
      },
      droppedPerSession: r1(mean(stats.map((s) => s.dropped))),
    };
  } finally {
    await Promise.allSettled(pubs.map((p) => p.close()));
    await server.close();
    await processor.close();
  }
}

async function main(): Promise<void> {
  const effects = (values.effect ?? 'none,edit').split(',').map((e) => e.trim());
  if (effects.some((e) => e !== 'none' && e !== 'edit')) throw new TypeError('--effect: comma-separated none / edit');
  const streams = (values.streams ?? '1').split(',').map((s) => Number(s.trim()));
  if (streams.some((n) => !Number.isInteger(n) || n < 1 || n > 16)) throw new TypeError('--streams: comma-separated integers in [1, 16]');
  const modelEveries = (values['model-every'] ?? '1').split(',').map((s) => Number(s.trim()));
  if (modelEveries.some((n) => !Number.isInteger(n) || n < 1 || n > 30)) throw new TypeError('--model-every: comma-separated integers in [1, 30]');
  const composites = (values.composite ?? 'delta').split(',').map((s) => s.trim());
  if (composites.some((c) => c !== 'delta' && c !== 'replace' && c !== 'local-replace')) throw new TypeError('--composite: comma-separated delta / replace / local-replace');
  const refines = (values['refine-edit'] ?? '0').split(',').map((s) => Number(s.trim()));
  if (refines.some((n) => !Number.isInteger(n) || n < 0 || n > 200)) throw new TypeError('--refine-edit: comma-separated integers in [0, 200]');
  const schedules = (values.schedule ?? 'inline').split(',').map((s) => s.trim());
  if (schedules.some((c) => c !== 'inline' && c !== 'async')) throw new TypeError('--schedule: comma-separated inline / async');
  const runs: Run[] = [];
  for (const n of streams) {
    for (const effect of effects as Array<'none' | 'edit'>) {
      for (const sch of (effect === 'edit' ? schedules : ['inline']) as Array<'inline' | 'async'>) {
        for (const me of effect === 'edit' && sch === 'inline' ? modelEveries : [1]) {
          for (const [comp, refine] of (effect === 'edit' ? composites.flatMap((c) => refines.map((rf) => [c, rf] as const)) : [['delta', 0] as const]) as Array<readonly [LiveComposite, number]>) {
            runs.push(await runOnce(effect, sch, me, comp, refine, n, Number(values.seconds), Number(values.warmup), Number(values.width), Number(values.height), Number(values.fps)));
          }
        }
      }
    }
  }
  const label = (r: Run): string => (r.effect === 'none' ? 'none' : `edit (${r.schedule === 'async' ? 'async' : `model every ${r.modelEvery}`}, ${r.composite ?? 'delta'}${(r.refineEdit ?? 0) > 0 ? `, refine ${r.refineEdit}` : ''})`);
  const header = '| effect (schedule, composite) | streams | fps out / stream | frame-in → RTP-out p50 | p95 | server pipeline p50 / p95 | proc p50 | dropped / session | matched frames |';
  const lines = [header, '|---|---|---|---|---|---|---|---|---|'];
  for (const r of runs) {
    lines.push(
      `| ${label(r)} | ${r.sessions} | ${r.fpsOut} | ${r.latencyP50Ms} ms | ${r.latencyP95Ms} ms | ${r.stagesMs.serverPipelineP50} / ${r.stagesMs.serverPipelineP95} ms | ${r.stagesMs.procP50} ms | ${r.droppedPerSession} | ${r.matchedFrames} |`,
    );
  }
  lines.push('', 'server pipeline by stage, p50 (decode: compressed frame in → picture; wait: → processor; proc; encode: → packets out):');
  for (const r of runs) lines.push(`- ${label(r)}, ${r.sessions} stream(s): decode ${r.stagesMs.decodeP50}, wait ${r.stagesMs.waitP50}, proc ${r.stagesMs.procP50}, encode ${r.stagesMs.encodeP50} ms; event-loop delay p50 / p99 ${r.stagesMs.eventLoopDelayP50} / ${r.stagesMs.eventLoopDelayP99} ms`);
  for (const r of runs) {
    if (r.stagesMs.edit !== undefined) lines.push('', `${label(r)}, ${r.sessions} stream(s), ${r.schedule === 'async' ? 'model ms per job batch, track / paste ms per frame, age of the pasted face' : 'mean ms per model-run frame'}: ${Object.entries(r.stagesMs.edit).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  }
  process.stdout.write(`model: ${model}; clip: ${model === 'real' ? 'a real test face (RealFaceClip)' : 'a face-synth render (TestClip)'}; command "${values.command ?? ''}"\n${lines.join('\n')}\n`);
  const out = { model, machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, width: Number(values.width), height: Number(values.height), fps: Number(values.fps), runs };
  if (values.json !== undefined) writeFileSync(values.json, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
