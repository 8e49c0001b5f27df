/**
 * The reliability suite: attacks and a soak against a real server process on loopback.
 *
 *   npx nx run stream-server:reliability -- [--clients 100] [--commands 3000] [--whep 300]
 *       [--slow 50] [--sessions 4] [--soak 300] [--json out.json]
 *
 * The server runs as its own process (`serve.ts --effect none --no-voice`, 320×240 at 15 fps) so its
 * event loop, sockets, children and memory are its own; the flood runs in a third process so the
 * clients do not share an event loop with the measurements. Phases:
 *   attacks  wrong token, foreign Origin / Host, /metrics without the token, 200 ICE candidates
 *   slow     `--slow` connections that never finish their headers: how long the server keeps them
 *   flood    `--clients` WebSocket clients × `--commands` commands as fast as they can, while a
 *            publisher streams: /healthz latency (polled every 50 ms) and the returned video's
 *            frame rate, before and during
 *   whep     `--whep` WHEP offers whose peers never connect: answers, and the server's sockets
 *            before, right after, and after the viewer connect timeout (15 s)
 *   soak     `--sessions` publishers for `--soak` seconds (with a microphone track when
 *            pocketsphinx is installed); each kind of child process (video decoder, video encoder,
 *            audio decoder, recogniser) killed once per session; then every session closed:
 *            children, sockets and RSS against the start
 * Speed and robustness are measured here, not asserted: the table and JSON say what happened.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';
import { opusTonePackets } from '@lfe/media/testing';
import { TestPublisher, offerSdp } from '../testing/werift-client';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const SERVE = resolve(ROOT, 'apps/stream-server/src/cli/serve.ts');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const USAGE = `usage: nx run stream-server:reliability -- [--clients 100] [--commands 3000] [--whep 300] [--slow 50] [--sessions 4] [--soak 300] [--json FILE]
  --phases attacks,slow,flood,whep,soak   (default all)
  --json FILE   also write the report as JSON (a path relative to the repository root)`;

// ---------------------------------------------------------------- flood worker (its own process)

async function floodWorker(url: string, session: string, clients: number, commands: number): Promise<void> {
  const texts = ['big eyes', 'undo', 'add glasses', 'undo', 'blond hair', 'undo'];
  const counts = { sent: 0, acks: 0, states: 0, rateLimited: 0, otherErrors: 0, closed: 0 };
  const t0 = performance.now();
  const sockets = await Promise.all(
    Array.from({ length: clients }, () => new Promise<WebSocket>((res, rej) => {
      const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/${session}`);
      ws.on('message', (d: Buffer) => {
        const m = JSON.parse(d.toString('utf8')) as { type: string; code?: string };
        if (m.type === 'ack') counts.acks++;
        else if (m.type === 'state') counts.states++;
        else if (m.type === 'error' && m.code === 'rate-limited') counts.rateLimited++;
        else if (m.type === 'error') counts.otherErrors++;
      });
      ws.on('close', () => counts.closed++);
      ws.once('open', () => res(ws));
      ws.once('error', rej);
    })),
  );
  await Promise.all(
    sockets.map(async (ws, c) => {
      for (let i = 0; i < commands; i++) {
        if (ws.readyState !== WebSocket.OPEN) return;
        ws.send(JSON.stringify({ type: 'command', text: texts[(c + i) % texts.length], id: `c${c}-${i}` }));
        counts.sent++;
        if (ws.bufferedAmount > 256 * 1024) while (ws.bufferedAmount > 64 * 1024 && ws.readyState === WebSocket.OPEN) await sleep(5);
        if (i % 200 === 199) await sleep(0); // let the other clients' sends interleave
      }
    }),
  );
  const sendMs = performance.now() - t0;
  await sleep(1500); // replies in flight
  for (const ws of sockets) ws.close();
  process.stdout.write(`${JSON.stringify({ ...counts, sendMs: Math.round(sendMs) })}\n`);
}

// ---------------------------------------------------------------- the server process and /proc

interface ServerProc {
  child: ChildProcess;
  url: string;
  token: string;
  stderr: string[];
}

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
    s.once('error', rej);
  });
}

/** Whether the server will run voice (pocketsphinx installed): then the soak kills the audio decoder and the recogniser too. */
function voiceAvailable(): boolean {
  return spawnSync('sh', ['-c', 'command -v "${LFE_POCKETSPHINX_BIN:-pocketsphinx_continuous}"']).status === 0;
}

async function startServer(maxSessions: number): Promise<ServerProc> {
  const port = await freePort();
  const token = `rel-${process.pid}-${Date.now()}`;
  const child = spawn(process.execPath, ['--import', 'tsx', SERVE, '--effect', 'none', ...(voiceAvailable() ? ['--voice'] : ['--no-voice']), '--port', String(port), '--token', token, '--max-sessions', String(maxSessions), '--width', '320', '--height', '240', '--fps', '15', '--log-level', 'warn'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr?.on('data', (d: Buffer) => {
    stderr.push(d.toString('utf8'));
    if (stderr.length > 200) stderr.splice(0, 100);
  });
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`server did not start: ${stderr.join('').slice(-2000)}`)), 60_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString('utf8').includes('listening on')) {
        clearTimeout(timer);
        res();
      }
    });
    child.once('exit', (code) => rej(new Error(`server exited (${String(code)}): ${stderr.join('').slice(-2000)}`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, token, stderr };
}

function sockets(pid: number): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

/** Child processes of `pid`, with what kind of work they do. */
function children(pid: number): Array<{ pid: number; kind: string }> {
  const out: Array<{ pid: number; kind: string }> = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    let list = '';
    try {
      list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const c of list.trim().split(/\s+/).filter(Boolean).map(Number)) {
      let cmd = '';
      try {
        cmd = readFileSync(`/proc/${c}/cmdline`, 'utf8').replace(/\0/g, ' ');
      } catch {
        continue;
      }
      const kind = cmd.includes('image2pipe') ? 'video-decoder' : cmd.includes('s16le') ? 'audio-decoder' : cmd.includes('rawvideo') ? 'video-encoder' : cmd.includes('pocketsphinx') ? 'recogniser' : cmd.split(' ')[0] ?? '?';
      out.push({ pid: c, kind });
    }
  }
  return out;
}

// ---------------------------------------------------------------- measurements

async function timedFetch(url: string, init?: RequestInit): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  try {
    const r = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    await r.arrayBuffer();
    return { status: r.status, ms: performance.now() - t0 };
  } catch {
    return { status: 0, ms: performance.now() - t0 };
  }
}

/** Poll /healthz every 50 ms until stopped; latencies in ms (a timeout counts as 10 000). */
function pollHealth(url: string): { stop: () => Promise<number[]> } {
  const lat: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const r = await timedFetch(`${url}/healthz`);
      lat.push(r.status === 200 ? r.ms : 10_000);
      await sleep(50);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return lat;
    },
  };
}

/** Returned frames per second in each whole second of [fromMs, toMs). */
function fpsWindows(pub: TestPublisher, fromMs: number, toMs: number): number[] {
  const out: number[] = [];
  for (let t = fromMs; t + 1000 <= toMs; t += 1000) out.push(pub.frames.filter((f) => f.arrivalMs >= t && f.arrivalMs < t + 1000).length);
  return out;
}

const pct = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
};


let tone: Buffer[] | undefined;
async function publisher(s: ServerProc, session: string, audio = false): Promise<TestPublisher> {
  if (audio) tone ??= opusTonePackets(2);
  const pub = new TestPublisher({ baseUrl: s.url, token: s.token, width: 320, height: 240, fps: 15, ...(audio && tone ? { audio: tone } : {}) });
  await pub.publish(session);
  pub.start();
  return pub;
}

// ---------------------------------------------------------------- phases

type Row = { phase: string; check: string; result: string; ok: boolean | null };

async function attacks(s: ServerProc, rows: Row[]): Promise<Record<string, unknown>> {
  const pub = await publisher(s, 'attacks');
  try {
    const offer = await offerSdp('sendrecv');
    const wrong = await timedFetch(`${s.url}/whip?session=x1`, { method: 'POST', headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer wrong' }, body: offer });
    rows.push({ phase: 'attacks', check: 'WHIP POST with a wrong token (loopback default)', result: `HTTP ${wrong.status}`, ok: wrong.status === 401 });
    const wsStatus = (headers: Record<string, string>): Promise<number> =>
      new Promise((res) => {
        const ws = new WebSocket(`${s.url.replace('http', 'ws')}/ws/attacks`, { headers });
        ws.once('open', () => {
          ws.close();
          res(101);
        });
        ws.once('unexpected-response', (_q, r) => res(r.statusCode ?? 0));
        ws.once('error', () => res(0));
      });
    const evilOrigin = await wsStatus({ Origin: 'http://evil.example' });
    rows.push({ phase: 'attacks', check: 'ws upgrade with Origin: http://evil.example', result: `HTTP ${evilOrigin}`, ok: evilOrigin === 403 });
    const evilHost = await wsStatus({ Host: 'evil.example' });
    rows.push({ phase: 'attacks', check: 'ws upgrade with Host: evil.example (DNS rebinding)', result: `HTTP ${evilHost}`, ok: evilHost === 403 });
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    const ids = metrics.includes('session=');
    rows.push({ phase: 'attacks', check: '/metrics without the token lists session ids', result: ids ? 'yes' : 'no', ok: !ids });
    const many = Array.from({ length: 200 }, (_, i) => `a=candidate:${i} 1 udp 2130706431 10.77.${i >> 8}.${i & 255} 9 typ host`).join('\r\n');
    const cands = await timedFetch(`${s.url}/whip?session=x2`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: offer.replace(/(m=video[^\r\n]*\r\n)/, `$1${many}\r\n`) });
    rows.push({ phase: 'attacks', check: 'WHIP offer with 200 ICE candidates', result: `HTTP ${cands.status}`, ok: cands.status === 400 });
    return { wrongToken: wrong.status, evilOrigin, evilHost, metricsHasIds: ids, candidates200: cands.status };
  } finally {
    await fetch(`${s.url}${pub.location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${s.token}` } }).catch(() => undefined);
    await pub.close();
  }
}

async function slowHeaders(s: ServerProc, n: number, rows: Row[]): Promise<Record<string, unknown>> {
  const port = Number(new URL(s.url).port);
  const t0 = performance.now();
  const closedAt = await Promise.all(
    Array.from({ length: n }, () => new Promise<number>((res) => {
      const sock = connect(port, '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
      const tick = setInterval(() => sock.writable && sock.write('a'), 1000); // a byte a second, never the end of the headers
      const done = (): void => {
        clearInterval(tick);
        res(performance.now() - t0);
      };
      sock.on('close', done);
      sock.on('error', () => undefined);
      setTimeout(() => sock.destroy(), 40_000);
    })),
  );
  const maxS = Math.max(...closedAt) / 1000;
  rows.push({ phase: 'slow', check: `${n} connections that never finish their headers: closed by the server after`, result: `${(Math.min(...closedAt) / 1000).toFixed(1)}–${maxS.toFixed(1)} s`, ok: maxS < 10 });
  return { connections: n, closedAfterS: { min: Math.min(...closedAt) / 1000, max: maxS } };
}

async function flood(s: ServerProc, clients: number, commands: number, rows: Row[]): Promise<Record<string, unknown>> {
  const pub = await publisher(s, 'flood');
  try {
    await sleep(3000); // warm up
    const b0 = performance.now();
    const baseHealth = pollHealth(s.url);
    await sleep(5000);
    const before = await baseHealth.stop();
    const fpsBefore = fpsWindows(pub, b0, performance.now());
    const health = pollHealth(s.url);
    const f0 = performance.now();
    const worker = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--flood-worker', s.url, 'flood', String(clients), String(commands)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    worker.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    await new Promise<void>((res) => worker.once('exit', () => res()));
    const f1 = performance.now();
    const during = await health.stop();
    const fpsDuring = fpsWindows(pub, f0, f1);
    const counts = (out.trim() ? JSON.parse(out.trim().split('\n').pop()!) : {}) as Record<string, number>;
    const baseFps = pct(fpsBefore, 0.5);
    const minFps = Math.min(...fpsDuring);
    rows.push({ phase: 'flood', check: `/healthz during ${clients} clients × ${commands} commands (${((f1 - f0) / 1000).toFixed(1)} s): p50 / p99 / max ms (before: max)`, result: `${pct(during, 0.5).toFixed(0)} / ${pct(during, 0.99).toFixed(0)} / ${Math.max(...during).toFixed(0)} (${Math.max(...before).toFixed(0)})`, ok: Math.max(...during) <= 200 });
    rows.push({ phase: 'flood', check: 'returned video fps: median before / lowest 1-s window during', result: `${baseFps} / ${minFps}`, ok: minFps >= baseFps / 2 });
    rows.push({ phase: 'flood', check: 'commands sent / acknowledged / rate-limited replies', result: `${counts['sent'] ?? '?'} / ${counts['acks'] ?? '?'} / ${counts['rateLimited'] ?? '?'}`, ok: null });
    return { clients, commands, seconds: (f1 - f0) / 1000, healthMs: { before: { p50: pct(before, 0.5), max: Math.max(...before) }, during: { p50: pct(during, 0.5), p99: pct(during, 0.99), max: Math.max(...during), samples: during.length } }, fps: { before: fpsBefore, during: fpsDuring }, worker: counts };
  } finally {
    await fetch(`${s.url}${pub.location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${s.token}` } }).catch(() => undefined);
    await pub.close();
  }
}

async function halfOpenWhep(s: ServerProc, n: number, rows: Row[]): Promise<Record<string, unknown>> {
  const pub = await publisher(s, 'whep');
  const pid = s.child.pid!;
  try {
    await sleep(1000);
    const before = sockets(pid);
    const rss0 = rssMb(pid);
    const statuses: Record<string, number> = {};
    for (let i = 0; i < n; i += 50) {
      const offers = await Promise.all(Array.from({ length: Math.min(50, n - i) }, () => offerSdp('recvonly')));
      const rs = await Promise.all(offers.map((o) => timedFetch(`${s.url}/whep/whep`, { method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: o })));
      for (const r of rs) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    }
    const right = sockets(pid);
    await sleep(15_000 + 3000);
    const after = sockets(pid);
    rows.push({ phase: 'whep', check: `${n} WHEP offers that never connect: answers`, result: Object.entries(statuses).map(([k, v]) => `${v}× ${k}`).join(', '), ok: null });
    rows.push({ phase: 'whep', check: 'server sockets: before / right after / after the connect timeout', result: `${before} / ${right} / ${after}`, ok: after <= before });
    return { offers: n, statuses, sockets: { before, rightAfter: right, afterTimeout: after }, rssMb: { before: rss0, after: rssMb(pid) } };
  } finally {
    await fetch(`${s.url}${pub.location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${s.token}` } }).catch(() => undefined);
    await pub.close();
  }
}

async function soak(s: ServerProc, sessions: number, seconds: number, rows: Row[]): Promise<Record<string, unknown>> {
  const pid = s.child.pid!;
  await sleep(1000);
  const base = { sockets: sockets(pid), children: children(pid).length, rssMb: rssMb(pid) };
  const pubs: TestPublisher[] = [];
  const voice = voiceAvailable();
  // With voice, every publisher sends a microphone track: the server runs an Opus decoder and a recogniser per session.
  for (let i = 0; i < sessions; i++) pubs.push(await publisher(s, `soak${i}`, voice));
  await sleep(5000);
  const warm = { sockets: sockets(pid), children: children(pid), rssMb: rssMb(pid) };
  const kills: Array<{ kind: string; pid: number; recoveredMs: number | null }> = [];
  const t0 = performance.now();
  const kinds = ['video-decoder', 'video-encoder', ...(voice ? ['audio-decoder', 'recogniser'] : [])];
  const rssTrace: number[] = [];
  for (let k = 0; performance.now() - t0 < seconds * 1000; k++) {
    const kind = kinds[k % kinds.length]!;
    const victim = children(pid).find((c) => c.kind === kind && !kills.some((x) => x.pid === c.pid));
    if (victim !== undefined && kills.length < sessions * kinds.length) {
      const killedAt = performance.now();
      const before = new Set(children(pid).filter((c) => c.kind === kind).map((c) => c.pid));
      try {
        process.kill(-victim.pid, 'SIGKILL'); // its process group (the recogniser runs `cat | pocketsphinx`)
      } catch {
        process.kill(victim.pid, 'SIGKILL');
      }
      // Recovered: video kinds when every publisher gets frames back again after the kill; audio
      // kinds when a new child of that kind runs (the decoder restarts with the next packet, the
      // recogniser by itself).
      let recoveredMs: number | null = null;
      while (performance.now() - killedAt < 15_000) {
        await sleep(200);
        const ok = kind.startsWith('video')
          ? pubs.every((p) => p.frames.some((f) => f.arrivalMs > killedAt + 500))
          : children(pid).some((c) => c.kind === kind && !before.has(c.pid));
        if (ok) {
          recoveredMs = performance.now() - killedAt;
          break;
        }
      }
      kills.push({ kind, pid: victim.pid, recoveredMs });
    }
    rssTrace.push(rssMb(pid));
    await sleep(Math.max(1000, (seconds * 1000) / 40));
  }
  const fpsEnd = pubs.map((p) => fpsWindows(p, performance.now() - 5000, performance.now()));
  for (const p of pubs) {
    await fetch(`${s.url}${p.location}`, { method: 'DELETE', headers: { Authorization: `Bearer ${s.token}` } }).catch(() => undefined);
    await p.close();
  }
  await sleep(5000);
  const end = { sockets: sockets(pid), children: children(pid).length, rssMb: rssMb(pid) };
  const recovered = kills.filter((k) => k.recoveredMs !== null).length;
  rows.push({ phase: 'soak', check: `${sessions} sessions × ${seconds} s; children killed (kind × count) / recovered (max ms)`, result: `${kills.map((k) => k.kind).join(', ') || 'none'} / ${recovered} (${Math.max(0, ...kills.map((k) => k.recoveredMs ?? 0)).toFixed(0)})`, ok: kills.length > 0 && recovered === kills.length });
  rows.push({ phase: 'soak', check: 'children after closing every session (before the sessions)', result: `${end.children} (${base.children})`, ok: end.children <= base.children });
  rows.push({ phase: 'soak', check: 'server sockets after / before', result: `${end.sockets} / ${base.sockets}`, ok: end.sockets <= base.sockets + 2 });
  rows.push({ phase: 'soak', check: 'RSS MB: before / warm / end of soak / after closing', result: `${base.rssMb.toFixed(0)} / ${warm.rssMb.toFixed(0)} / ${rssTrace.at(-1)?.toFixed(0) ?? '?'} / ${end.rssMb.toFixed(0)}`, ok: null });
  return { sessions, seconds, base, warm: { ...warm, children: warm.children.length }, end, kills, rssTrace, fpsEnd, tensors: 'not applicable: --effect none runs no model (the edit effect runs tfjs in worker threads; its tensor count is tested in face-pipeline)' };
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  if (process.argv[2] === '--flood-worker') {
    const [url, session, clients, commands] = process.argv.slice(3);
    await floodWorker(url!, session!, Number(clients), Number(commands));
    return 0;
  }
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h' },
      clients: { type: 'string', default: '100' },
      commands: { type: 'string', default: '3000' },
      whep: { type: 'string', default: '300' },
      slow: { type: 'string', default: '50' },
      sessions: { type: 'string', default: '4' },
      soak: { type: 'string', default: '300' },
      phases: { type: 'string', default: 'attacks,slow,flood,whep,soak' },
      json: { type: 'string' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const num = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name}: want an integer ≥ ${min}, got "${v}"`);
    return n;
  };
  const clients = num('clients', values.clients, 1);
  const commands = num('commands', values.commands, 1);
  const whep = num('whep', values.whep, 1);
  const slow = num('slow', values.slow, 1);
  const sessions = num('sessions', values.sessions, 1);
  const soakS = num('soak', values.soak, 5);
  const phases = new Set(values.phases.split(','));
  for (const p of phases) if (!['attacks', 'slow', 'flood', 'whep', 'soak'].includes(p)) throw new RangeError(`--phases: unknown phase "${p}"`);
  const s = await startServer(Math.max(sessions, 2) + 2);
  const rows: Row[] = [];
  const report: Record<string, unknown> = { date: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length };
  try {
    if (phases.has('attacks')) report['attacks'] = await attacks(s, rows);
    if (phases.has('slow')) report['slow'] = await slowHeaders(s, slow, rows);
    if (phases.has('flood')) report['flood'] = await flood(s, clients, commands, rows);
    if (phases.has('whep')) report['whep'] = await halfOpenWhep(s, whep, rows);
    if (phases.has('soak')) report['soak'] = await soak(s, sessions, soakS, rows);
  } finally {
    s.child.kill('SIGTERM');
    await new Promise<void>((r) => (s.child.exitCode !== null ? r() : s.child.once('exit', () => r())));
  }
  report['serverExit'] = s.child.exitCode;
  const w = Math.max(...rows.map((r) => r.check.length));
  console.log(`\n${'phase'.padEnd(8)} ${'check'.padEnd(w)}  result`);
  for (const r of rows) console.log(`${r.phase.padEnd(8)} ${r.check.padEnd(w)}  ${r.result}${r.ok === null ? '' : r.ok ? '   ok' : '   NOT MET'}`);
  report['rows'] = rows;
  // Relative to the repository root (nx runs this in apps/stream-server).
  if (values.json !== undefined) writeFileSync(resolve(ROOT, values.json), `${JSON.stringify(report, null, 2)}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`reliability: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
