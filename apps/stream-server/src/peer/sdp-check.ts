import { BadInputError } from '../errors';

export const MAX_SDP_BYTES = 64 * 1024;

export interface OfferSummary {
  video: { direction: string; codecs: string[] } | undefined;
  audio: { direction: string; codecs: string[] } | undefined;
  application: boolean;
}

/**
 * A cheap structural check of an SDP offer before werift sees it, so malformed input gets a 400
 * with a reason instead of an exception from deep inside the stack. werift still does the real parse.
 */
export function checkOffer(sdp: string): OfferSummary {
  if (sdp.length === 0) throw new BadInputError('sdp: empty body');
  if (sdp.length > MAX_SDP_BYTES) throw new BadInputError('sdp: too large');
  if (sdp.includes('\0')) throw new BadInputError('sdp: contains NUL bytes');
  const lines = sdp.split(/\r?\n/).filter((l) => l !== '');
  if (lines[0] !== 'v=0') throw new BadInputError('sdp: must start with v=0');
  for (const l of lines) if (!/^[a-z]=/.test(l)) throw new BadInputError(`sdp: malformed line ${JSON.stringify(l.slice(0, 40))}`);
  if (!lines.some((l) => l.startsWith('o='))) throw new BadInputError('sdp: missing o= line');
  const sections: Array<{ kind: string; port: number; lines: string[] }> = [];
  for (const l of lines) {
    if (l.startsWith('m=')) {
      const m = /^m=(\w+) (\d+)(?:\/\d+)? [A-Z/]+(?: .*)?$/.exec(l);
      if (!m) throw new BadInputError(`sdp: malformed m= line ${JSON.stringify(l.slice(0, 60))}`);
      sections.push({ kind: m[1] as string, port: Number(m[2]), lines: [] });
    } else sections.at(-1)?.lines.push(l);
  }
  const media = (kind: string): OfferSummary['video'] => {
    const s = sections.find((x) => x.kind === kind && x.port !== 0);
    if (!s) return undefined;
    const dir = s.lines.find((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l))?.slice(2) ?? 'sendrecv';
    const codecs = s.lines.flatMap((l) => {
      const m = /^a=rtpmap:\d+ ([\w.-]+)\//.exec(l);
      return m ? [(m[1] as string).toLowerCase()] : [];
    });
    return { direction: dir, codecs };
  };
  const summary = { video: media('video'), audio: media('audio'), application: sections.some((s) => s.kind === 'application') };
  const hasIce = lines.some((l) => l.startsWith('a=ice-ufrag:')) && lines.some((l) => l.startsWith('a=ice-pwd:'));
  const hasDtls = lines.some((l) => l.startsWith('a=fingerprint:'));
  if (!hasIce) throw new BadInputError('sdp: missing ICE credentials (a=ice-ufrag / a=ice-pwd)');
  if (!hasDtls) throw new BadInputError('sdp: missing DTLS fingerprint');
  return summary;
}

/** Remote ICE candidates accepted in one offer; more is refused (each one is a target the server sends STUN checks to). */
export const MAX_REMOTE_CANDIDATES = 16;

export type AddressClass = 'loopback' | 'private' | 'public' | 'name';

/** Loopback (127/8, ::1), private (RFC 1918, CGNAT 100.64/10, link-local, fc00::/7, fe80::/10), public, or not an address (mDNS `.local`, host names). */
export function addressClass(address: string): AddressClass {
  const a = address.toLowerCase();
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(a);
  if (v4) {
    const [b0, b1] = [Number(v4[1]), Number(v4[2])];
    if (b0 === 127) return 'loopback';
    if (b0 === 10 || (b0 === 172 && b1 >= 16 && b1 <= 31) || (b0 === 192 && b1 === 168) || (b0 === 169 && b1 === 254) || (b0 === 100 && b1 >= 64 && b1 <= 127) || b0 === 0) return 'private';
    return 'public';
  }
  if (!a.includes(':')) return 'name';
  if (a === '::1') return 'loopback';
  if (/^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a === '::') return 'private';
  return 'public';
}

/**
 * Which remote candidate addresses the server may send ICE checks to, by how it is bound: a server
 * on loopback or a private address serves this machine / this network (loopback and private
 * targets allowed); one bound to every interface (LAN use, OBS on another machine) allows private
 * targets but no loopback; one bound to a public address allows neither unless `allowPrivate`.
 * Host names (mDNS) are never resolved on a client's behalf. Dropped candidates cost nothing: the
 * client's own checks to the server's candidates still connect (peer-reflexive).
 */
export function candidatePolicy(bindHost: string, allowPrivate = false): ReadonlySet<AddressClass> {
  const wildcard = bindHost === '0.0.0.0' || bindHost === '::';
  const bind = addressClass(bindHost === 'localhost' ? '127.0.0.1' : bindHost);
  const ok = new Set<AddressClass>(['public']);
  if (allowPrivate || (!wildcard && (bind === 'loopback' || bind === 'private'))) {
    ok.add('private');
    ok.add('loopback');
  } else if (wildcard) ok.add('private');
  return ok;
}

/**
 * Refuse an offer with more than MAX_REMOTE_CANDIDATES candidates, and remove the candidates whose
 * address class `allowed` does not hold. Returns the SDP to give werift and what was dropped.
 */
export function filterCandidates(sdp: string, allowed: ReadonlySet<AddressClass>): { sdp: string; kept: number; dropped: string[] } {
  const lines = sdp.split(/\r?\n/);
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const candidates = lines.filter((l) => l.startsWith('a=candidate:'));
  if (candidates.length > MAX_REMOTE_CANDIDATES) throw new BadInputError(`sdp: ${candidates.length} ICE candidates, at most ${MAX_REMOTE_CANDIDATES}`);
  const dropped: string[] = [];
  const out = lines.filter((l) => {
    if (!l.startsWith('a=candidate:')) return true;
    // a=candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …
    const address = l.split(' ')[4];
    if (address === undefined) throw new BadInputError(`sdp: malformed candidate ${JSON.stringify(l.slice(0, 60))}`);
    if (allowed.has(addressClass(address))) return true;
    dropped.push(address);
    return false;
  });
  return { sdp: out.join(eol), kept: candidates.length - dropped.length, dropped };
}
