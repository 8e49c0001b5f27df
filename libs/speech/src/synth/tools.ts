import { spawn } from 'node:child_process';
import { ToolError } from '../errors';

/** Env overrides for the audio tools used to make test and benchmark speech. */
export const ESPEAK_ENV = 'LFE_ESPEAK_BIN';
export const SOX_ENV = 'LFE_SOX_BIN';

export function espeakBinary(): string {
  return process.env[ESPEAK_ENV] ?? 'espeak-ng';
}

export function soxBinary(): string {
  return process.env[SOX_ENV] ?? 'sox';
}

/**
 * Runs a one-shot tool: explicit stdio, optional stdin bytes, stdout collected (bounded),
 * stderr kept for the error message. Rejects with `ToolError` on a spawn failure or non-zero exit.
 */
export function runTool(binary: string, args: readonly string[], input?: Uint8Array, maxOutputBytes = 256 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (outBytes > maxOutputBytes) {
        child.kill('SIGKILL');
        return;
      }
      out.push(d);
    });
    child.stderr?.on('data', (d: Buffer) => {
      if (err.length < 4000) err += d.toString('utf8');
    });
    child.on('error', (e) => reject(new ToolError(`${binary}: ${e.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) resolve(Buffer.concat(out));
      else if (outBytes > maxOutputBytes) reject(new ToolError(`${binary}: output over ${maxOutputBytes} bytes`));
      else reject(new ToolError(`${binary} exited with ${String(code ?? signal)}: ${err.trim().slice(0, 500)}`));
    });
    if (input !== undefined && child.stdin !== null) {
      child.stdin.on('error', () => {
        // EPIPE if the tool exits early; its exit status reports the failure.
      });
      child.stdin.end(input);
    }
  });
}
