import { spawnSync } from 'node:child_process';
import { MissingPronunciationError, ProcessRecognizer, cleanStaleSpeechDirs, createCommandRecognizer } from '@lfe/speech';
import { PhotoWorker } from '@lfe/face-pipeline';
import { HELP, parseServeArgs } from '../config';
import { StreamServerError } from '../errors';
import { StreamServer } from '../http/server';
import { resolveFfmpeg } from '@lfe/media';
import type { FrameProcessor } from '../media/frame-processor';
import { createFrameProcessor, modelForServer } from '../processors';
import { type RecognizerFactory, WAKE_PHRASE } from '../session/voice';
import { createLogger } from '../util/log';

function pocketsphinxAvailable(): boolean {
  const bin = process.env['LFE_POCKETSPHINX_BIN'] ?? 'pocketsphinx_continuous';
  return spawnSync('sh', ['-c', `command -v "${bin.replace(/"/g, '')}"`]).status === 0;
}

const recognizerFactory: RecognizerFactory = async () => {
  try {
    return await createCommandRecognizer({ wakeWord: WAKE_PHRASE });
  } catch (err) {
    if (err instanceof MissingPronunciationError) return createCommandRecognizer();
    throw err;
  }
};

async function main(): Promise<number> {
  let config;
  try {
    config = parseServeArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n\n${HELP}`);
    return 2;
  }
  if (config.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const log = createLogger({ app: 'stream-server' }, { level: config.logLevel });
  let processor: FrameProcessor | undefined;
  try {
    processor = createFrameProcessor(config.effect, {
      model: config.model,
      ...(config.editorDir !== undefined ? { editorDir: config.editorDir } : {}),
      ...(config.generatorDir !== undefined ? { generatorDir: config.generatorDir } : {}),
      ...(config.fusion !== undefined ? { fusion: config.fusion } : {}),
      detectEvery: config.detectEvery,
      modelEvery: config.modelEvery,
      schedule: config.schedule,
      localize: config.localize,
      composite: config.composite,
      refineEdit: config.refineEdit,
      ...(config.captionerDir !== undefined ? { captionerDir: config.captionerDir } : {}),
      log,
    });
    await processor.start?.();
    log.info('frame processor ready', { effect: processor.effect, backend: processor.backend });
  } catch (err) {
    process.stderr.write(`--effect ${config.effect}: ${err instanceof Error ? err.message : String(err)}\n(use --effect none to serve without the face editor)\n`);
    await processor?.close();
    return 2;
  }
  // The model's folders (checked above by createFrameProcessor) and what it can do.
  const model =
    config.effect === 'edit'
      ? modelForServer({
          model: config.model,
          ...(config.editorDir !== undefined ? { editorDir: config.editorDir } : {}),
          ...(config.generatorDir !== undefined ? { generatorDir: config.generatorDir } : {}),
          ...(config.captionerDir !== undefined ? { captionerDir: config.captionerDir } : {}),
          refineEdit: config.refineEdit,
        })
      : undefined;
  if (model !== undefined) log.info('model', { model: model.name, editor: model.editor, generator: model.generator, limited: model.levels !== undefined });
  // POST /v1/edit: the same model, in its own thread (loaded on the first photo).
  const photo =
    model !== undefined
      ? new PhotoWorker({
          editorDir: model.editor,
          generatorDir: model.generator,
          ...(config.fusion !== undefined ? { fusion: config.fusion } : {}),
          refineEdit: config.refineEdit,
          ...(config.refineEdit > 0 ? { captioner: model.captioner } : {}),
          ...(model.levels !== undefined ? { levels: [...model.levels] } : {}),
        })
      : undefined;
  const binary = resolveFfmpeg();
  log.info('ffmpeg', { path: binary.path, source: binary.source, version: binary.version });
  const speechCommand = config.speechCommand;
  const voice = config.voice ?? (speechCommand !== undefined || pocketsphinxAvailable());
  const recognizer: RecognizerFactory =
    speechCommand !== undefined ? () => ProcessRecognizer.start({ command: speechCommand }) : recognizerFactory;
  if (speechCommand !== undefined) log.info('voice: external recogniser', { command: speechCommand });
  // Recogniser temp folders of an earlier server that was killed (kill -9 skips its cleanup).
  const stale = await cleanStaleSpeechDirs();
  if (stale.length > 0) log.info('removed temp folders of recognisers whose process is gone', { count: stale.length });
  if (config.voice === true && speechCommand === undefined && !pocketsphinxAvailable()) log.warn('--voice: pocketsphinx_continuous not found; recogniser starts will fail');
  const server = await StreamServer.start({
    host: config.host,
    port: config.port,
    ...(config.token !== undefined ? { token: config.token } : {}),
    requireToken: config.requireToken,
    maxSessions: config.maxSessions,
    maxViewers: config.maxViewers,
    maxViewersPerSession: config.maxViewersPerSession,
    allowHosts: config.allowHosts,
    allowOrigins: config.allowOrigins,
    iceServers: config.iceServers,
    iceAllowPrivate: config.iceAllowPrivate,
    processor,
    width: config.width,
    height: config.height,
    fps: config.fps,
    viewerDist: config.viewerDist,
    log,
    binary,
    ...(voice ? { recognizer } : {}),
    ...(photo !== undefined ? { photo } : {}),
    ...(model !== undefined ? { model: { name: model.name, ...(model.levels !== undefined ? { levels: model.levels } : {}) } } : {}),
    ...(config.v4l2 !== undefined ? { v4l2: config.v4l2 } : {}),
  });
  process.stdout.write(
    [
      `stream-server listening on ${server.url}  (effect: ${config.effect}${model !== undefined ? `, model: ${model.name}` : ''}, voice: ${voice ? 'on' : 'off'})`,
      `  token: ${server.auth.token}${server.auth.required ? '' : '  (optional on loopback; --require-token to enforce)'}`,
      `  viewer: ${server.url}/?token=${server.auth.token}`,
      `  WHIP:   ${server.url}/whip   (Authorization: Bearer <token>)`,
      '',
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info('shutting down', { signal });
      void server
        .close()
        .then(() => Promise.allSettled([processor.close(), photo?.close()]))
        .finally(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    const msg = err instanceof StreamServerError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`stream-server: ${msg}\n`);
    process.exit(1);
  },
);
