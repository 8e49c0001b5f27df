import type { MicMode } from '@lfe/protocol';
import { Pcm16Assembler, PushToTalkGate, type SpeechRecognizer, type Utterance, WakeWordGate } from '@lfe/speech';
import type { Logger } from '../util/log';

export const WAKE_PHRASE = 'mirror';

/** Makes one recogniser per session (pocketsphinx in production, `FakeRecognizer` in tests). */
export type RecognizerFactory = () => Promise<SpeechRecognizer>;

/**
 * A session's voice input: 16 kHz PCM in, gated utterances out. The mic mode picks the gate:
 * `off` drops everything, `push-to-talk` keeps utterances overlapping a pressed interval,
 * `wake-word` keeps those that start with (or follow) the wake phrase. Stream time for the gates
 * is the recogniser's own clock (samples written / 16).
 */
export class VoiceInput {
  readonly #assembler = new Pcm16Assembler();
  readonly #ptt = new PushToTalkGate(300);
  readonly #wake = new WakeWordGate(WAKE_PHRASE, 5000);
  #recognizer: SpeechRecognizer | undefined;
  #starting: Promise<void> | undefined;
  #mode: MicMode;
  #closed = false;

  constructor(
    private readonly factory: RecognizerFactory,
    private readonly onText: (u: Utterance) => void,
    private readonly log: Logger,
    mode: MicMode = 'push-to-talk',
    /** Voice is off for the rest of the session (the recogniser did not start, or gave up): tell the clients. */
    private readonly onStopped: (reason: string) => void = () => undefined,
  ) {
    this.#mode = mode;
  }

  get mode(): MicMode {
    return this.#mode;
  }

  setMode(mode: MicMode): void {
    this.#mode = mode;
  }

  /** Times the recogniser process was restarted (metrics). */
  restarts = 0;

  ptt(down: boolean): void {
    const ms = (this.#recognizer?.samplesWritten ?? 0) / 16;
    if (down) this.#ptt.press(ms);
    else this.#ptt.release(ms);
  }

  /** s16le bytes at 16 kHz. The recogniser starts with the first bytes. */
  write(bytes: Buffer): void {
    if (this.#closed || this.#mode === 'off') return;
    if (this.#recognizer === undefined) {
      this.#starting ??= this.#start();
      return; // audio before the recogniser is up is not worth buffering: commands are short
    }
    if (this.#recognizer.closed) return;
    this.#recognizer.write(this.#assembler.push(bytes));
  }

  async #start(): Promise<void> {
    try {
      const rec = await this.factory();
      if (this.#closed) {
        await rec.close();
        return;
      }
      rec.on('utterance', (u) => this.#utterance(u));
      rec.on('restart', ({ reason }) => {
        this.restarts++;
        this.log.warn('recogniser restarted', { reason });
      });
      rec.on('error', (err) => {
        this.log.error('recogniser failed', { error: err });
        if (rec.closed || err.name === 'RecognizerStartError') {
          this.#mode = 'off';
          this.onStopped(err.message);
        }
      });
      this.#recognizer = rec;
    } catch (err) {
      this.log.error('recogniser did not start; voice off for this session', { error: err });
      this.#mode = 'off';
      this.onStopped(err instanceof Error ? err.message : String(err));
    }
  }

  #utterance(u: Utterance): void {
    let passed: Utterance | undefined;
    if (this.#mode === 'push-to-talk') {
      passed = this.#ptt.process(u);
      if (passed !== undefined && passed.text.startsWith(`${WAKE_PHRASE} `)) passed = { ...passed, text: passed.text.slice(WAKE_PHRASE.length + 1) };
    } else if (this.#mode === 'wake-word') passed = this.#wake.process(u);
    if (passed !== undefined && passed.text !== '') this.onText(passed);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#starting;
    await this.#recognizer?.close();
  }
}
