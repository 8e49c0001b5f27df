/**
 * The viewer page: camera + mic → WHIP publish → processed video back on the same peer
 * connection; commands, transcript and stats over the session's WebSocket.
 */
import { MIC_MODES, type MicMode } from '@lfe/protocol';
import './styles.css';
import { CommandClient, ReconnectingSocket, type SocketStatus } from './protocol/command-client';
import { AuthError, CapacityError, MediaAccessError } from './protocol/errors';
import { commandSocketUrl } from './protocol/http';
import { openCameraAndMic } from './media/camera';
import { FrameWatch } from './media/frame-watch';
import { publish, type Publication } from './media/publisher';
import { LatencyTracker } from './stats/latency-tracker';
import { byId, button } from './ui/dom';
import { levelsKey, spokenCommandsFor, supportedLevels } from './ui/model-filter';
import { suggestedCommands } from './ui/suggestions';
import { applySuggestion, commandErrorView, editLabel, noticeForError, statsRows, type Notice } from './ui/view-model';
import { Backoff } from './util/backoff';
import { takeToken } from './util/token';
import { PhotoRefusedError, editPhoto } from './protocol/photo';

declare global {
  interface Window {
    /** Read-only snapshot for tests and curious people (`lfeViewer.snapshot()` in the console). */
    lfeViewer?: { snapshot(): ViewerSnapshot };
  }
}

export interface ViewerSnapshot {
  session: string | undefined;
  socket: SocketStatus;
  peer: RTCPeerConnectionState | 'none';
  latencySamples: readonly number[];
  latency: { count: number; p50: number; p95: number };
  displayFps: number;
  server: CommandClient['stats'];
  edits: number;
  /** Frames whose stamp was read on each side, with the last capture/display times seen. */
  stamps: { local: number; remote: number; localChecked: number; remoteChecked: number; lastLocal: number | undefined; lastRemote: number | undefined; captureMs: number | undefined; displayMs: number | undefined };
}

if (location.pathname.startsWith('/obs')) {
  // Served index.html for /obs: hand over to the OBS page.
  location.replace(`/obs.html${location.search}`);
}

const el = {
  status: byId('status', HTMLParagraphElement),
  notice: byId('notice', HTMLDivElement),
  noticeTitle: byId('notice-title', HTMLElement),
  noticeDetail: byId('notice-detail', HTMLSpanElement),
  noticeRetry: byId('notice-retry', HTMLButtonElement),
  previewToggle: byId('preview-toggle', HTMLInputElement),
  videos: document.querySelector<HTMLElement>('.videos') as HTMLElement,
  processed: byId('processed', HTMLVideoElement),
  preview: byId('preview', HTMLVideoElement),
  stats: byId('stats', HTMLDivElement),
  form: byId('command-form', HTMLFormElement),
  input: byId('command-input', HTMLInputElement),
  cmdError: byId('command-error', HTMLDivElement),
  cmdErrorTitle: byId('command-error-title', HTMLElement),
  cmdErrorDetail: byId('command-error-detail', HTMLSpanElement),
  cmdErrorSuggestions: byId('command-error-suggestions', HTMLSpanElement),
  suggestions: byId('suggestions', HTMLSpanElement),
  undo: byId('undo', HTMLButtonElement),
  redo: byId('redo', HTMLButtonElement),
  reset: byId('reset', HTMLButtonElement),
  strength: byId('strength', HTMLInputElement),
  strengthValue: byId('strength-value', HTMLOutputElement),
  edits: byId('edits', HTMLOListElement),
  editsEmpty: byId('edits-empty', HTMLParagraphElement),
  ptt: byId('ptt', HTMLButtonElement),
  transcript: byId('transcript', HTMLOListElement),
  photoForm: byId('photo-form', HTMLFormElement),
  photoFile: byId('photo-file', HTMLInputElement),
  photoText: byId('photo-text', HTMLInputElement),
  photoSubmit: byId('photo-submit', HTMLButtonElement),
  photoStatus: byId('photo-status', HTMLParagraphElement),
  photoSuggestions: byId('photo-suggestions', HTMLSpanElement),
  photoBefore: byId('photo-before', HTMLImageElement),
  photoAfter: byId('photo-after', HTMLImageElement),
  photoDownload: byId('photo-download', HTMLAnchorElement),
};

const params = new URLSearchParams(location.search);
// The token stays in the address bar: the server checks it on the page itself, so a reload needs it.
const { token } = takeToken(location.search, window.sessionStorage);
// `?server=` lets the page run from `vite dev` against a server elsewhere.
const base = params.get('server') ?? location.origin;
const wantedSession = params.get('session') ?? undefined;

let micMode: MicMode = 'push-to-talk';
let socket: ReconnectingSocket | undefined;
let socketStatus: SocketStatus = 'closed';
let publication: Publication | undefined;
let localStream: MediaStream | undefined;
let lastCommandId: string | undefined;
let strengthDragging = false;
const latency = new LatencyTracker();
const client = new CommandClient((json) => socket?.send(json) ?? false);
const reconnect = new Backoff({ initialMs: 1000, maxMs: 15_000 });

function setStatus(text: string): void {
  el.status.textContent = text;
}

function showNotice(n: Notice | undefined, retry?: () => void): void {
  el.notice.hidden = n === undefined;
  if (n === undefined) return;
  el.notice.className = `notice ${n.kind}`;
  el.noticeTitle.textContent = n.title;
  el.noticeDetail.textContent = n.detail;
  el.noticeRetry.hidden = retry === undefined;
  el.noticeRetry.onclick = retry ? () => retry() : null;
}

// ---- rendering -------------------------------------------------------------------------------

function renderState(): void {
  const s = client.state;
  if (s?.model !== undefined) renderModelHelp(supportedLevels(s.model));
  el.undo.disabled = !s?.canUndo;
  el.redo.disabled = !s?.canRedo;
  if (s !== undefined && !strengthDragging) {
    el.strength.value = String(s.strength);
    el.strengthValue.textContent = `${Math.round(s.strength * 100)} %`;
  }
  const focusedIndex = [...el.edits.querySelectorAll('button')].indexOf(document.activeElement as HTMLButtonElement);
  el.edits.replaceChildren(
    ...(s?.edits ?? []).map((edit, index) => {
      const li = document.createElement('li');
      const { what, said } = editLabel(edit);
      const w = document.createElement('span');
      w.className = 'what';
      w.textContent = what;
      const t = document.createElement('span');
      t.className = 'said';
      t.textContent = `“${said}”`;
      li.append(w, t, button('Remove', () => client.removeEdit(index), `Remove ${what}`));
      return li;
    }),
  );
  el.editsEmpty.hidden = (s?.edits.length ?? 0) > 0;
  // Keep keyboard users where they were after removing an edit.
  if (focusedIndex >= 0) {
    const buttons = el.edits.querySelectorAll('button');
    (buttons[Math.min(focusedIndex, buttons.length - 1)] ?? el.input).focus();
  }
}

function renderTranscript(): void {
  el.transcript.replaceChildren(
    ...client.transcript.map((line) => {
      const li = document.createElement('li');
      li.textContent = line.text;
      if (!line.final) li.className = 'partial';
      if (line.latencyMs !== undefined) li.title = `recognised ${Math.round(line.latencyMs)} ms after speech ended`;
      return li;
    }),
  );
}

function renderCommandError(): void {
  const e = client.lastError;
  el.cmdError.hidden = e === undefined;
  if (e === undefined) return;
  const view = commandErrorView(e);
  el.cmdErrorTitle.textContent = `${view.title}:`;
  el.cmdErrorDetail.textContent = view.detail;
  const text = e.commandText ?? el.input.value;
  el.cmdErrorSuggestions.replaceChildren(
    ...view.suggestions.map((s) =>
      button(s, () => {
        el.input.value = applySuggestion(text, s);
        el.input.focus();
      }, `Use “${s}”`),
    ),
  );
}

let remoteWatch: FrameWatch | undefined;
let localWatch: FrameWatch | undefined;
let lastCaptureMs: number | undefined;
let lastDisplayMs: number | undefined;

function renderStats(): void {
  const now = performance.now();
  const quality = typeof el.processed.getVideoPlaybackQuality === 'function' ? el.processed.getVideoPlaybackQuality() : undefined;
  const rows = statsRows({
    ...(client.stats ? { server: client.stats } : {}),
    ...(remoteWatch ? { displayFps: remoteWatch.fps.rate(now) } : {}),
    latency: latency.toJSON(),
    ...(quality ? { displayDropped: quality.droppedVideoFrames } : {}),
  });
  if (el.previewToggle.checked === false && latency.toJSON().count === 0) rows[2] = ['latency p50 / p95', 'show preview to measure'];
  el.stats.replaceChildren(
    ...rows.flatMap(([k, v]) => {
      const a = document.createElement('span');
      a.textContent = k;
      const b = document.createElement('span');
      b.textContent = v;
      b.dataset['stat'] = k;
      return [a, b];
    }),
  );
}

// ---- controls --------------------------------------------------------------------------------

el.form.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const text = el.input.value.trim();
  if (text === '') return;
  client.clearError();
  renderCommandError();
  try {
    lastCommandId = client.command(text);
  } catch (err) {
    // too long for the protocol: say so without a round trip
    client.lastError = { type: 'error', code: 'too-long', message: err instanceof Error ? err.message : String(err), suggestions: [], commandText: text };
    renderCommandError();
    return;
  }
  if (lastCommandId === undefined) {
    client.lastError = { type: 'error', code: 'bad-message', message: 'Not connected to the server yet; try again in a moment.', suggestions: [], commandText: text };
    renderCommandError();
  }
});

for (const [b, text] of [[el.undo, 'undo'], [el.redo, 'redo'], [el.reset, 'reset']] as const) {
  b.addEventListener('click', () => {
    client.clearError();
    renderCommandError();
    client.command(text);
  });
}

el.strength.addEventListener('pointerdown', () => (strengthDragging = true));
el.strength.addEventListener('input', () => {
  el.strengthValue.textContent = `${Math.round(Number(el.strength.value) * 100)} %`;
});
// One message per release: every strength change is an undo step on the server.
el.strength.addEventListener('change', () => {
  strengthDragging = false;
  client.strength(Number(el.strength.value));
});

/**
 * The chips and the "What can I say?" list: only what the server's model can do (`state.model`;
 * everything until the server has said). Re-rendered when that changes.
 */
let shownLevels: string | undefined;
function renderModelHelp(levels: ReadonlySet<string> | undefined): void {
  const key = levelsKey(levels);
  if (key === shownLevels) return;
  shownLevels = key;
  el.suggestions.replaceChildren(
    ...suggestedCommands(levels).map((s) =>
      button(s.text, () => {
        el.input.value = s.text;
        el.input.focus();
      }, `Put “${s.text}” in the command box`),
    ),
  );
  // The recogniser's grammar is these phrases (edit-language `spokenCommands`), less what the model cannot do.
  document.getElementById('spoken')?.replaceChildren(
    ...spokenCommandsFor(levels).map((c) => {
      const li = document.createElement('li');
      li.textContent = c.text;
      return li;
    }),
  );
}
renderModelHelp(undefined);

el.previewToggle.addEventListener('change', () => {
  el.videos.classList.toggle('no-preview', !el.previewToggle.checked);
});

function setMicMode(mode: MicMode): void {
  micMode = mode;
  el.ptt.disabled = mode !== 'push-to-talk';
  for (const t of localStream?.getAudioTracks() ?? []) t.enabled = mode !== 'off';
  client.mic(mode);
}

for (const radio of document.querySelectorAll<HTMLInputElement>('input[name="mic"]')) {
  radio.addEventListener('change', () => {
    if (radio.checked && (MIC_MODES as readonly string[]).includes(radio.value)) setMicMode(radio.value as MicMode);
  });
}

let pttDown = false;
function setPtt(down: boolean): void {
  if (down === pttDown || micMode !== 'push-to-talk') return;
  pttDown = down;
  el.ptt.setAttribute('aria-pressed', String(down));
  client.ptt(down);
}
el.ptt.addEventListener('pointerdown', () => setPtt(true));
for (const ev of ['pointerup', 'pointercancel', 'pointerleave', 'blur'] as const) el.ptt.addEventListener(ev, () => setPtt(false));
el.ptt.addEventListener('keydown', (ev) => {
  if ((ev.key === ' ' || ev.key === 'Enter') && !ev.repeat) {
    ev.preventDefault();
    setPtt(true);
  }
});
el.ptt.addEventListener('keyup', (ev) => {
  if (ev.key === ' ' || ev.key === 'Enter') setPtt(false);
});

// ---- session ---------------------------------------------------------------------------------

function onSocketMessage(raw: string): void {
  const change = client.handle(raw, performance.now());
  if (change === 'state') renderState();
  else if (change === 'transcript') renderTranscript();
  else if (change === 'error') {
    renderCommandError();
    if (client.lastError?.code === 'auth') showNotice(noticeForError(new AuthError('command channel refused the token'), new URL(base).host));
  } else if (change === 'ack' && lastCommandId !== undefined && !client.lastError) el.input.value = '';
}

function openSocket(session: string): void {
  socket?.close();
  socket = new ReconnectingSocket({
    url: commandSocketUrl(base, session, token),
    onMessage: onSocketMessage,
    onStatus: (status, retryInMs) => {
      socketStatus = status;
      if (status === 'open') {
        setStatus(`Connected — session ${session}`);
        client.mic(micMode);
      } else if (status === 'retrying') setStatus(`Command channel lost; reconnecting in ${Math.round((retryInMs ?? 0) / 1000)} s…`);
    },
  });
}

async function start(): Promise<void> {
  showNotice(undefined);
  setStatus('Connecting to the server…');
  const stream = localStream as MediaStream;
  let pub: Publication;
  try {
    pub = await publish(base, stream, { ...(token ? { token } : {}), ...(wantedSession ? { session: wantedSession } : {}) });
  } catch (err) {
    const notice = noticeForError(err, new URL(base).host);
    if (err instanceof AuthError) {
      setStatus('Not authorised.');
      showNotice(notice);
      return;
    }
    if (err instanceof CapacityError) {
      setStatus('Server full.');
      showNotice(notice, () => void start());
      return;
    }
    const delay = reconnect.next();
    setStatus(`Retrying in ${Math.round(delay / 1000)} s…`);
    showNotice(notice, () => void start());
    setTimeout(() => void start(), delay);
    return;
  }
  publication = pub;
  reconnect.reset();
  setStatus(`Publishing — session ${pub.session}`);
  openSocket(pub.session);
  void pub.processed.then((s) => {
    el.processed.srcObject = s;
  });
  pub.pc.addEventListener('connectionstatechange', () => {
    if (publication !== pub) return;
    if (pub.pc.connectionState === 'failed') {
      publication = undefined;
      socket?.close();
      void pub.close();
      const delay = reconnect.next();
      setStatus(`Connection lost; reconnecting in ${Math.round(delay / 1000)} s…`);
      setTimeout(() => void start(), delay);
    }
  });
}

async function main(): Promise<void> {
  setStatus('Asking for camera and microphone…');
  try {
    localStream = await openCameraAndMic();
  } catch (err) {
    setStatus('No camera.');
    showNotice(noticeForError(err instanceof MediaAccessError ? err : new MediaAccessError('other', String(err)), new URL(base).host), () => location.reload());
    return;
  }
  el.preview.srcObject = localStream;
  setMicMode(micMode);
  localWatch = new FrameWatch(el.preview, (f) => {
    lastCaptureMs = f.captureMs;
    if (f.frame !== undefined) latency.captured(f.frame, f.captureMs ?? f.displayMs);
  });
  remoteWatch = new FrameWatch(el.processed, (f) => {
    lastDisplayMs = f.displayMs;
    if (f.frame !== undefined) latency.displayed(f.frame, f.displayMs);
  });
  setInterval(renderStats, 500);
  renderStats();
  await start();
}

window.lfeViewer = {
  snapshot: () => ({
    session: publication?.session,
    socket: socketStatus,
    peer: publication?.pc.connectionState ?? 'none',
    latencySamples: [...latency.samples],
    latency: latency.toJSON(),
    displayFps: remoteWatch?.fps.rate(performance.now()) ?? 0,
    server: client.stats,
    edits: client.state?.edits.length ?? 0,
    stamps: {
      local: localWatch?.stamped ?? 0,
      remote: remoteWatch?.stamped ?? 0,
      localChecked: localWatch?.checked ?? 0,
      remoteChecked: remoteWatch?.checked ?? 0,
      lastLocal: localWatch?.lastStamp,
      lastRemote: remoteWatch?.lastStamp,
      captureMs: lastCaptureMs,
      displayMs: lastDisplayMs,
    },
  }),
};

window.addEventListener('pagehide', () => {
  socket?.close();
  void publication?.close();
});

renderState();
void main();

// ---- photo panel (POST /v1/edit) --------------------------------------------------------------

let photoUrls: string[] = [];
function showPhoto(img: HTMLImageElement, blob: Blob): string {
  const url = URL.createObjectURL(blob);
  photoUrls.push(url);
  img.src = url;
  img.hidden = false;
  return url;
}

el.photoFile.addEventListener('change', () => {
  const f = el.photoFile.files?.[0];
  for (const u of photoUrls) URL.revokeObjectURL(u);
  photoUrls = [];
  el.photoAfter.hidden = true;
  el.photoDownload.hidden = true;
  if (f !== undefined) showPhoto(el.photoBefore, f);
});

el.photoForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const file = el.photoFile.files?.[0];
  const text = el.photoText.value.trim();
  if (file === undefined || text === '') return;
  el.photoSubmit.disabled = true;
  el.photoStatus.textContent = 'Editing…';
  el.photoSuggestions.replaceChildren();
  const t0 = performance.now();
  editPhoto((u, init) => fetch(u, init), base, file, text, token)
    .then((r) => {
      const url = showPhoto(el.photoAfter, r.image);
      const ext = r.image.type === 'image/png' ? 'png' : r.image.type === 'image/webp' ? 'webp' : 'jpg';
      el.photoDownload.href = url;
      el.photoDownload.download = `${file.name.replace(/\.[^.]+$/, '') || 'photo'}-edited.${ext}`;
      el.photoDownload.hidden = false;
      el.photoStatus.textContent = `Edited ${r.facesEdited} of ${r.facesFound} face(s) in ${((performance.now() - t0) / 1000).toFixed(1)} s.`;
    })
    .catch((err: unknown) => {
      if (err instanceof PhotoRefusedError) {
        el.photoStatus.textContent = err.reason === 'no-face' ? 'No face found in this photo.' : err.reason === 'not-an-image' ? 'That file is not an image the server can read.' : err.reason === 'too-large' ? 'That photo is too large.' : err.message;
        for (const word of err.suggestions) {
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'chip';
          b.textContent = word;
          b.addEventListener('click', () => {
            el.photoText.value = word;
            el.photoText.focus();
          });
          el.photoSuggestions.append(b);
        }
      } else el.photoStatus.textContent = err instanceof Error ? err.message : String(err);
    })
    .finally(() => {
      el.photoSubmit.disabled = false;
    });
});

