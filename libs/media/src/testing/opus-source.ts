import { spawnSync } from 'node:child_process';
import { resolveFfmpeg } from '../ffmpeg/ffmpeg-path';

/**
 * Opus packets (20 ms each, 48 kHz mono) of a tone, made by ffmpeg's libopus and taken out of its
 * Ogg container: what a WebRTC client's microphone track carries, one packet per RTP payload.
 */
export function opusTonePackets(seconds: number, frequency = 440): Buffer[] {
  const bin = resolveFfmpeg();
  const r = spawnSync(bin.path, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `sine=f=${frequency}:r=48000:d=${seconds}`, '-ac', '1', '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', '-f', 'ogg', 'pipe:1'], { maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ffmpeg (libopus): ${r.stderr.toString().trim()}`);
  return oggPackets(r.stdout).slice(2); // OpusHead and OpusTags are not audio
}

/** The packets of an Ogg stream (one logical stream), joined across lacing segments and pages. */
export function oggPackets(ogg: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  let p = 0;
  while (p + 27 <= ogg.length) {
    if (ogg.toString('latin1', p, p + 4) !== 'OggS') throw new Error(`ogg: no page at byte ${p}`);
    const nseg = ogg[p + 26]!;
    const table = ogg.subarray(p + 27, p + 27 + nseg);
    let off = p + 27 + nseg;
    for (const len of table) {
      partial.push(ogg.subarray(off, off + len));
      off += len;
      if (len < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    p = off;
  }
  return packets;
}
