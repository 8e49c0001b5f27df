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
