import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export interface StaticResult {
  status: number;
  type: string;
  body: Buffer | string;
}

export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Live face edit</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>Live face edit — stream server</h1>
<p>The viewer is not built (apps/viewer/dist is missing). The server is running:</p>
<ul><li>Publish with WHIP: <code>POST /whip</code> (OBS 30: Settings → Stream → WHIP, Bearer token)</li>
<li>Watch with WHEP: <code>POST /whep/&lt;session&gt;</code></li>
<li>Commands: WebSocket <code>/ws/&lt;session&gt;?token=…</code></li>
<li>Health: <a href="/healthz">/healthz</a></li></ul>
</body></html>
`;

/** Files of the viewer build, or the placeholder page when there is no build. No path escapes `root`. */
export async function serveStatic(root: string, pathname: string): Promise<StaticResult> {
  const base = resolve(root);
  if (!existsSync(base)) {
    if (pathname === '/' || pathname === '/index.html' || pathname === '/obs') return { status: 200, type: TYPES['.html'] as string, body: PLACEHOLDER_PAGE };
    return { status: 404, type: 'text/plain', body: 'not found' };
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return { status: 400, type: 'text/plain', body: 'bad path' };
  }
  if (rel.includes('\0')) return { status: 400, type: 'text/plain', body: 'bad path' };
  if (rel === '/' || rel === '') rel = '/index.html';
  if (rel === '/obs') rel = existsSync(join(base, 'obs.html')) ? '/obs.html' : '/index.html';
  const file = resolve(base, `.${normalize(rel)}`);
  if (file !== base && !file.startsWith(base + sep)) return { status: 404, type: 'text/plain', body: 'not found' };
  if (!existsSync(file) || !statSync(file).isFile()) return { status: 404, type: 'text/plain', body: 'not found' };
  return { status: 200, type: TYPES[extname(file)] ?? 'application/octet-stream', body: await readFile(file) };
}
