/**
 * Pure helpers that turn protocol state into what the page shows (text, labels, rows), so the DOM
 * code only copies strings into elements and the wording is tested.
 */
import { EDITABLE_ATTRIBUTES, UnknownWordError, tokenize } from '@lfe/edit-language';
import type { ActiveEdit, ParsedStatsMessage } from '@lfe/protocol';
import type { CommandFailure } from '../protocol/command-client';
import { AuthError, CapacityError, HttpError, MediaAccessError, UnreachableError } from '../protocol/errors';

/** "hairLength" → "hair length". */
export function attributeName(attribute: string): string {
  return attribute.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** One line for the edit list: what it does, then the words that asked for it. */
export function editLabel(edit: ActiveEdit): { what: string; said: string } {
  const spec = EDITABLE_ATTRIBUTES.find((a) => a.name === edit.attribute);
  const name = attributeName(edit.attribute);
  let what: string;
  switch (edit.op) {
    case 'set': {
      const level = edit.level === undefined ? undefined : spec?.levels[edit.level];
      what = level === undefined ? `${name}: set` : spec?.kind === 'binary' ? level : `${name}: ${level}`;
      break;
    }
    case 'remove':
      what = `no ${spec?.kind === 'binary' ? (spec.levels[1] ?? name) : name}`;
      break;
    case 'increase':
    case 'decrease': {
      const by = edit.degree <= 0.3 ? 'a bit ' : edit.degree >= 1 ? 'much ' : '';
      what = `${name}: ${by}${edit.op === 'increase' ? 'more' : 'less'}`;
      break;
    }
    default:
      what = `${name}: ${edit.op}`;
  }
  return { what, said: edit.text };
}

export interface Notice {
  readonly kind: 'error' | 'warning' | 'info';
  readonly title: string;
  readonly detail: string;
}

/** What to tell the user about a failure to start or keep the session, by error class. */
export function noticeForError(err: unknown, serverHost: string): Notice {
  if (err instanceof MediaAccessError) {
    const detail: Record<MediaAccessError['reason'], string> = {
      denied: 'The browser refused access to the camera or microphone. Allow both for this site (the camera icon in the address bar) and reload.',
      'no-device': 'No camera was found. Connect one and reload.',
      'in-use': 'The camera is in use by another application. Close it and reload.',
      insecure: 'Camera access needs https:// or http://localhost. Open the page over https or on this machine.',
      other: err.message,
    };
    return { kind: 'error', title: 'No camera access', detail: detail[err.reason] };
  }
  if (err instanceof AuthError) {
    return { kind: 'error', title: 'Not authorised (401)', detail: 'The server refused the token. Open the page with ?token=<the token the server printed at start>.' };
  }
  if (err instanceof CapacityError) {
    return { kind: 'error', title: 'Server is full (503)', detail: 'The server has reached its session limit. Try again when someone leaves.' };
  }
  if (err instanceof UnreachableError) {
    return { kind: 'error', title: 'Server unreachable', detail: `Cannot reach the server at ${serverHost}. Is it running? Retrying…` };
  }
  if (err instanceof HttpError) return { kind: 'error', title: `Server error (${err.status})`, detail: err.message };
  return { kind: 'error', title: 'Something went wrong', detail: err instanceof Error ? err.message : String(err) };
}

/** The unknown word in `text` as the shared tokenizer sees it (undefined if every word is known). */
export function unknownWordIn(text: string): string | undefined {
  try {
    tokenize(text);
    return undefined;
  } catch (err) {
    return err instanceof UnknownWordError ? err.word : undefined;
  }
}

/** `text` with its first unknown word replaced by `suggestion` (for the "did you mean" buttons). */
export function applySuggestion(text: string, suggestion: string): string {
  const word = unknownWordIn(text);
  if (word === undefined) return text;
  const at = text.toLowerCase().indexOf(word.toLowerCase());
  return at < 0 ? text : text.slice(0, at) + suggestion + text.slice(at + word.length);
}

/** A command error as the page shows it: title, the server's message, distinct suggestions. */
export function commandErrorView(e: CommandFailure): { title: string; detail: string; suggestions: string[] } {
  const titles: Record<string, string> = {
    'unknown-word': 'Unknown word',
    'too-long': 'Command too long',
    'invalid-command': 'Could not understand that',
    'unsupported-edit': 'This model cannot do that',
    'bad-message': 'Message refused',
    capacity: 'Server is full',
    auth: 'Not authorised',
  };
  const suggestions = [...new Set(e.suggestions)].slice(0, 5);
  const said = e.commandText === undefined ? '' : `“${e.commandText}”: `;
  return { title: titles[e.code] ?? 'Error', detail: `${said}${e.message}`, suggestions };
}

export interface PageStats {
  readonly server?: ParsedStatsMessage;
  /** Frames per second the processed video is shown at (requestVideoFrameCallback). */
  readonly displayFps?: number;
  readonly latency?: { p50: number; p95: number; count: number };
  /** Frames the page's decoder dropped (getVideoPlaybackQuality). */
  readonly displayDropped?: number;
}

function fmt(v: number | undefined, digits = 0): string {
  return v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(digits);
}

/** Rows of the stats overlay, label → value. */
export function statsRows(s: PageStats): Array<[string, string]> {
  const server = s.server;
  const latency = s.latency && s.latency.count > 0 ? `${fmt(s.latency.p50)} / ${fmt(s.latency.p95)} ms` : 'no stamp';
  return [
    ['fps in / out', server ? `${fmt(server.fpsIn, 1)} / ${fmt(server.fpsOut, 1)}` : '–'],
    ['fps shown', fmt(s.displayFps, 1)],
    ['latency p50 / p95', latency],
    ['backend', server ? `${server.backend} (${server.effect})` : '–'],
    ['dropped', `${server ? fmt(server.dropped) : '–'} server, ${fmt(s.displayDropped)} page`],
  ];
}
