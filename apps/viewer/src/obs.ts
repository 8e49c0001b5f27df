/**
 * /obs?session=…&token=…: the processed video only, full window, for OBS's Browser Source.
 * Watches with WHEP and starts over by itself whenever the stream stops (server restart, session
 * not published yet, network).
 */
import { watch, type Watch } from './media/watcher';
import { whenConnected } from './media/peer';
import { AuthError } from './protocol/errors';
import { Backoff } from './util/backoff';
import { takeToken } from './util/token';

const video = document.getElementById('out') as HTMLVideoElement;
const params = new URLSearchParams(location.search);
const session = params.get('session');
const base = params.get('server') ?? location.origin;
const { token } = takeToken(location.search, window.sessionStorage);
const backoff = new Backoff({ initialMs: 1000, maxMs: 10_000 });
let current: Watch | undefined;
let lastFrameAt = performance.now();
let frames = 0;

declare global {
  interface Window {
    lfeObs?: { snapshot(): { connected: boolean; frames: number; attempts: number } };
  }
}
window.lfeObs = { snapshot: () => ({ connected: current?.pc.connectionState === 'connected', frames, attempts: backoff.attempt }) };

function onFrame(): void {
  frames++;
  lastFrameAt = performance.now();
  video.requestVideoFrameCallback(onFrame);
}

async function connect(): Promise<void> {
  if (session === null || !/^[a-z0-9-]{1,40}$/.test(session)) {
    document.title = 'obs: add ?session=<id> to the URL';
    return;
  }
  try {
    const w = await watch(base, session, token);
    current = w;
    await whenConnected(w.pc);
    video.srcObject = await w.stream;
    lastFrameAt = performance.now();
    backoff.reset();
    document.title = `obs: ${session}`;
  } catch (err) {
    await current?.close();
    current = undefined;
    // A wrong token will not fix itself, but OBS may be given a new one on restart: retry slowly.
    const delay = err instanceof AuthError ? 10_000 : backoff.next();
    document.title = `obs: ${err instanceof Error ? err.message : String(err)} — retrying`;
    setTimeout(() => void connect(), delay);
  }
}

// A stream that stops delivering frames is restarted (the server may have dropped the viewer).
setInterval(() => {
  const w = current;
  if (w === undefined) return;
  const state = w.pc.connectionState;
  if (state === 'failed' || state === 'closed' || (state === 'connected' && performance.now() - lastFrameAt > 5000)) {
    current = undefined;
    void w.close().then(() => setTimeout(() => void connect(), backoff.next()));
  }
}, 1000);

if (typeof video.requestVideoFrameCallback === 'function') video.requestVideoFrameCallback(onFrame);
void connect();
