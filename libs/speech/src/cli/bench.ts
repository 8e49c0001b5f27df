/** `nx run speech:bench`: the usage and options are in USAGE below (printed by `--help`). */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SPEECH_SAMPLE_RATE } from '../audio/pcm';
import { buildStreams, speakAll, withNoise, type BenchStream, type NoiseCondition, type SpokenUtterance } from '../bench/corpus';
import { feed } from '../bench/feed';
import { percentile, seededRandom, wordErrors } from '../bench/metrics';
import { createCommandRecognizer } from '../command-recognizer';
import { PushToTalkGate } from '../gating/push-to-talk-gate';
import { ScoreGate } from '../gating/score-gate';
import { WakeWordGate } from '../gating/wake-word-gate';
import type { Utterance } from '../recognizer/speech-recognizer';
import type { EspeakVoice } from '../synth/espeak';
import { parseJsgf, sampleSentence } from '@lfe/edit-language/jsgf';
import { intentOf, loadVocabulary, type SpeechVocabulary } from '../vocabulary/vocabulary';
import { parseArgs } from './args';

/** espeak-ng voices of the report (see README for why these and what the others score). */
const DEFAULT_VOICES = ['en-us', 'en-us+f2', 'en-us+m3', 'en-gb', 'en-gb-x-rp'];
const SPEEDS = [150, 175, 200];
const voicesOf = (names: readonly string[]): EspeakVoice[] => SPEEDS.flatMap((speed) => names.map((voice) => ({ voice, speed })));

const CONDITIONS: NoiseCondition[] = [
  { name: 'floor-60dB', colour: 'white', levelDbfs: -60 },
  { name: 'snr-14dB', colour: 'pink', levelDbfs: -20 - 14 },
];

// Unrelated talk for the gate: ordinary sentences a person might say during a call.
const UNRELATED = [
  'can you hear me now',
  'the weather is nice today',
  'let me share my screen',
  'i will send you the report tomorrow',
  'what time is the meeting',
  'sorry i was on mute',
  'my internet connection is slow',
  'we should order some lunch',
  'did you see the game last night',
  'please call me back later',
  'the train was late again this morning',
  'i think we need more time for this',
  'how was your weekend',
  'there is a dog barking outside',
  'could you repeat the question',
  'thanks everyone for joining',
  'i need another cup of coffee',
  'the numbers look good this quarter',
  'where did you put the keys',
  'we are going to the beach on sunday',
  'turn the music down please',
  'this is taking longer than expected',
  'hello is anyone there',
  'i have a question about the budget',
];

interface ConditionResult {
  intentAccuracy: number;
  sentenceAccuracy: number;
  wer: number;
  rtf: number;
  latencyP50Ms: number;
  latencyP95Ms: number;
  n: number;
  gatedIntentAccuracy: number;
  /** Intent accuracy per espeak voice (all speeds). */
  byVoice: Record<string, number>;
  noise: NoiseCondition;
}

const WAKE_PHRASE = 'hey mirror';

type Recognize = () => ReturnType<typeof createCommandRecognizer>;

/** Per reference utterance, the recognised text and the latency from its speech end. */
async function runStreams(streams: BenchStream[], recognize: Recognize, realtime: boolean) {
  const runs = await Promise.all(
    streams.map(async (s) => {
      const r = await recognize();
      return { s, fed: await feed(r, s.pcm, realtime) };
    }),
  );
  const perRef = new Map<number, { text: string; latencyMs?: number; utterances: Utterance[] }>();
  let audioMs = 0;
  let wallMs = 0;
  for (const { s, fed } of runs) {
    audioMs += (s.pcm.length * 1000) / SPEECH_SAMPLE_RATE;
    wallMs += fed.wallMs;
    for (let k = 0; k < s.utterances.length; k++) {
      const ref = s.utterances[k]!;
      const next = s.utterances[k + 1];
      const lo = k === 0 ? 0 : (s.utterances[k - 1]!.speechEnd + ref.speechStart) / 2;
      const hi = next === undefined ? Infinity : (ref.speechEnd + next.speechStart) / 2;
      const mine = fed.utterances.filter(({ u }) => {
        const mid = (((u.startMs + u.endMs) / 2) * SPEECH_SAMPLE_RATE) / 1000;
        return mid >= lo && mid < hi;
      });
      const last = mine[mine.length - 1];
      const entry: { text: string; latencyMs?: number; utterances: Utterance[] } = {
        text: mine.map(({ u }) => u.text).join(' '),
        utterances: mine.map(({ u }) => u),
      };
      if (last !== undefined) {
        const written = fed.chunkWallMs[Math.floor(ref.speechEnd / fed.chunkSamples)];
        if (written !== undefined) entry.latencyMs = last.arrivedMs - written;
      }
      perRef.set(ref.index, entry);
    }
  }
  return { perRef, rtf: wallMs / audioMs };
}

/** What `--help` prints (the file's documentation). */
const USAGE = [
  "usage: npx nx run speech:bench -- [options]",
  "",
  "nx run speech:bench -- --out b.json [--quick] [--n 240] [--streams 8] [--grammar G.jsgf] [--seed 1]",
  "  [--args \"-wip 0.005 …\"] (extra decoder arguments, to study recogniser settings)",
  "",
  "Commands sampled from the spoken grammar (`speechGrammar()`: the canonical spoken set), spoken by",
  "espeak-ng (5 voices × 3 speeds; `--voices`),",
  "normalised to −20 dBFS active speech, mixed by sox with (a) a −60 dBFS white noise floor and",
  "(b) pink noise at 14 dB SNR; fed to the pocketsphinx recogniser in real time (several streams at",
  "once) for accuracy and end-of-speech → text latency, and as fast as possible for the real-time",
  "factor. Intent = `parseCommand` of the recognised text gives the same control action or edits as",
  "that of the reference. Also reports how often unrelated sentences become an edit with each gate",
  "(none, push-to-talk, wake word, score). Prints a table, writes JSON (with per-voice intent accuracy).",
].join('\n');

async function main(): Promise<void> {
  if (process.argv.slice(2).some((a) => a === '--help' || a === '-h')) {
    console.log(USAGE);
    return;
  }
  const args = parseArgs(process.argv.slice(2), ['quick', 'fast', 'errors']);
  const quick = args.get('quick') === true;
  // --fast: accuracy only, fed as fast as the decoders take it (no latency): for tuning runs.
  const fastOnly = args.get('fast') === true;
  const showErrors = args.get('errors') === true;
  const voiceArg = args.get('voices');
  const VOICES = voicesOf(typeof voiceArg === 'string' ? voiceArg.split(',') : DEFAULT_VOICES);
  const n = Number(args.get('n') ?? (quick ? 60 : 240));
  const streamsCount = Number(args.get('streams') ?? 8);
  const seed = Number(args.get('seed') ?? 1);
  const out = args.get('out');
  const grammarPath = args.get('grammar');
  let vocabulary: SpeechVocabulary;
  if (typeof grammarPath === 'string') {
    // A grammar under study (e.g. a proposed shape for edit-language), scored with the product parser.
    const product = await loadVocabulary();
    vocabulary = { grammar: await readFile(grammarPath, 'utf8'), words: [], parse: (t) => product.parse(t) };
  } else vocabulary = await loadVocabulary();
  const grammar = parseJsgf(vocabulary.grammar);
  const rng = seededRandom(seed);
  const texts = Array.from({ length: n }, () => sampleSentence(grammar, rng));
  const devRng = seededRandom(seed + 1000);
  const devTexts = Array.from({ length: Math.max(40, Math.round(n / 4)) }, () => sampleSentence(grammar, devRng));
  const log = (m: string): void => void process.stderr.write(`${m}\n`);

  log(`bench: speaking ${n} commands + ${devTexts.length} dev + ${UNRELATED.length} unrelated sentences…`);
  const spoken = await speakAll(texts, VOICES);
  const devSpoken = await speakAll(devTexts, VOICES.slice().reverse());
  const unrelatedSpoken = await speakAll(UNRELATED, VOICES);
  const extraArgs = typeof args.get('args') === 'string' ? (args.get('args') as string).split(/\s+/).filter((a) => a !== '') : [];
  // --cmninit model (the acoustic model's own initial cepstral mean) or 13 comma-separated values.
  const cmnArg = args.get('cmninit');
  const cmnInit = typeof cmnArg === 'string' ? (cmnArg === 'model' ? 'model' : cmnArg.split(',').map(Number)) : 'model';
  // --vad-postspeech N: frames of silence that end an utterance (the recogniser's default otherwise).
  const vadArg = args.get('vad-postspeech');
  const vad = typeof vadArg === 'string' ? { vadPostspeech: Number(vadArg) } : {};
  const recognize: Recognize = () => createCommandRecognizer({ vocabulary, extraArgs, cmnInit, ...vad });
  const recognizeWake: Recognize = () => createCommandRecognizer({ vocabulary, extraArgs, cmnInit, ...vad, wakeWord: WAKE_PHRASE });

  // Score-gate threshold: the 2nd percentile of scores on a separate development set of commands
  // (floor condition), fixed before any test utterance or unrelated sentence is scored.
  const devRun = await runStreams(
    await Promise.all(buildStreams(devSpoken, streamsCount).map((s) => withNoise(s, CONDITIONS[0]!))),
    recognize,
    false,
  );
  const devScores = [...devRun.perRef.values()].flatMap((e) => e.utterances.map((u) => u.scorePerFrame ?? -Infinity));
  const threshold = percentile(devScores, 2);
  log(`bench: score gate threshold ${threshold.toFixed(1)} per frame (2nd percentile of ${devScores.length} dev commands)`);

  const results: Record<string, ConditionResult> = {};
  for (const c of CONDITIONS) {
    log(`bench: ${c.name}: mixing and feeding ${streamsCount} streams${fastOnly ? " (fast, accuracy only)" : " in real time"}…`);
    const streams = await Promise.all(buildStreams(spoken, streamsCount).map((s) => withNoise(s, c)));
    const fast = await runStreams(streams, recognize, false);
    const rt = fastOnly ? fast : await runStreams(streams, recognize, true);
    let sentenceOk = 0;
    let intentOk = 0;
    let gatedOk = 0;
    let errors = 0;
    let words = 0;
    const latencies: number[] = [];
    const gate = new ScoreGate(threshold);
    const voiceHits = new Map<string, { ok: number; n: number }>();
    spoken.forEach((u: SpokenUtterance, i) => {
      const got = rt.perRef.get(i) ?? { text: '', utterances: [] };
      if (got.text === u.text) sentenceOk++;
      const want = intentOf(vocabulary, u.text);
      const intentHit = got.text !== '' && want !== undefined && intentOf(vocabulary, got.text) === want;
      if (intentHit) intentOk++;
      const vh = voiceHits.get(u.voice.voice) ?? { ok: 0, n: 0 };
      vh.n++;
      if (intentHit) vh.ok++;
      else if (showErrors) log(`  ${c.name} #${i}${i < streamsCount ? "*" : ""} ${u.voice.voice}@${u.voice.speed}: "${u.text}" → "${got.text}"`);
      voiceHits.set(u.voice.voice, vh);
      if (intentHit && got.utterances.every((x) => gate.process(x) !== undefined)) gatedOk++;
      errors += wordErrors(u.text, got.text);
      words += u.text.split(' ').length;
      if (got.latencyMs !== undefined) latencies.push(got.latencyMs);
    });
    results[c.name] = {
      intentAccuracy: intentOk / n,
      sentenceAccuracy: sentenceOk / n,
      wer: errors / words,
      rtf: fast.rtf,
      latencyP50Ms: Math.round(percentile(latencies, 50)),
      latencyP95Ms: Math.round(percentile(latencies, 95)),
      n,
      gatedIntentAccuracy: gatedOk / n,
      byVoice: Object.fromEntries([...voiceHits].map(([voice, h]) => [voice, h.ok / h.n])),
      noise: c,
    };
  }

  // Unrelated speech: how many sentences become an edit with each gate. Push-to-talk: the button is
  // up while people just talk (held, it passes what no gate passes). Wake word: the decoder runs the
  // grammar with the optional wake phrase, and `WakeWordGate` passes only what follows the phrase.
  const unrelatedStreams = await Promise.all(
    buildStreams(unrelatedSpoken, Math.min(streamsCount, 4)).map((s) => withNoise(s, CONDITIONS[0]!)),
  );
  const unrelated = await runStreams(unrelatedStreams, recognize, false);
  const unrelatedWake = await runStreams(unrelatedStreams, recognizeWake, false);
  const isEdit = (u: Utterance): boolean => intentOf(vocabulary, u.text) !== undefined;
  const accepted = { none: 0, pushToTalk: 0, wakeWord: 0, score: 0, wakeWordAndScore: 0 };
  const scoreGate = new ScoreGate(threshold);
  const pushToTalk = new PushToTalkGate();
  for (const e of unrelated.perRef.values()) {
    const edits = e.utterances.filter(isEdit);
    if (edits.length > 0) accepted.none++;
    if (edits.some((u) => pushToTalk.process(u) !== undefined)) accepted.pushToTalk++;
    if (edits.some((u) => scoreGate.process(u) !== undefined)) accepted.score++;
  }
  for (const e of unrelatedWake.perRef.values()) {
    // A fresh gate per sentence: each is judged on its own, not armed by the one before.
    const wake = new WakeWordGate(WAKE_PHRASE);
    const passed = e.utterances.map((u) => wake.process(u)).filter((u): u is Utterance => u !== undefined && isEdit(u));
    if (passed.length > 0) accepted.wakeWord++;
    if (passed.some((u) => scoreGate.process(u) !== undefined)) accepted.wakeWordAndScore++;
  }
  const rate = (k: number): number => k / UNRELATED.length;
  const unrelatedReport = {
    sentences: UNRELATED.length,
    falseAcceptNoGate: rate(accepted.none),
    falseAcceptPushToTalk: rate(accepted.pushToTalk),
    falseAcceptWakeWord: rate(accepted.wakeWord),
    falseAcceptScoreGate: rate(accepted.score),
    falseAcceptWakeWordAndScoreGate: rate(accepted.wakeWordAndScore),
    wakePhrase: WAKE_PHRASE,
    scoreGateThresholdPerFrame: threshold,
  };

  const rows = Object.entries(results).map(([name, r]) => ({
    condition: name,
    intent: `${(r.intentAccuracy * 100).toFixed(1)} %`,
    sentence: `${(r.sentenceAccuracy * 100).toFixed(1)} %`,
    wer: `${(r.wer * 100).toFixed(1)} %`,
    rtf: r.rtf.toFixed(3),
    'p50 ms': r.latencyP50Ms,
    'p95 ms': r.latencyP95Ms,
    'intent w/ gate': `${(r.gatedIntentAccuracy * 100).toFixed(1)} %`,
    n: r.n,
  }));
  console.table(rows);
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  console.log(
    `unrelated sentences (${UNRELATED.length}) that become an edit: no gate ${pct(unrelatedReport.falseAcceptNoGate)}, ` +
      `push-to-talk (up) ${pct(unrelatedReport.falseAcceptPushToTalk)}, wake word ${pct(unrelatedReport.falseAcceptWakeWord)}, ` +
      `score gate ${pct(unrelatedReport.falseAcceptScoreGate)}, wake word + score ${pct(unrelatedReport.falseAcceptWakeWordAndScoreGate)}`,
  );
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name} intent by voice: ${Object.entries(r.byVoice).map(([v, x]) => `${v} ${pct(x)}`).join(', ')}`);
  }
  if (typeof out === 'string') {
    await mkdir(dirname(out), { recursive: true });
    const voices = VOICES.map((v) => `${v.voice}@${v.speed}`);
    await writeFile(out, `${JSON.stringify({ ...results, unrelated: unrelatedReport, voices, seed, streams: streamsCount, decoderArgs: extraArgs, cmnInit }, null, 2)}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exitCode = 1;
});
