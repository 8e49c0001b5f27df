/**
 * The one JSGF reader of the repo: enough to list the words a grammar can say (libs/speech's
 * dictionary), to sample sentences from it (the speech bench, tests) and to ask whether a sentence
 * is in it (`grammarRegExp`, `inGrammar`). Supports rules, alternatives, groups, optionals,
 * `+`/`*`, weights `/w/` and tags `{...}`. `{ strict: true }` also checks the syntax
 * `speechGrammar()` emits (the `#JSGF V1.0;` header, a grammar declaration, every statement ended
 * by ";", rule names of word characters defined once, references defined, plain lowercase words,
 * no weights, tags or empty expansions) and throws `SyntaxError`; the default, lenient mode throws
 * `TypeError` only where it cannot read the text.
 */

export interface ParseJsgfOptions {
  /** Check the syntax speechGrammar() emits, not only what the reader needs (default false). */
  strict?: boolean;
}

export type Expansion =
  | { type: 'word'; word: string }
  | { type: 'ref'; name: string }
  | { type: 'seq'; items: Expansion[] }
  | { type: 'alt'; options: { weight: number; exp: Expansion }[] }
  | { type: 'opt'; exp: Expansion }
  | { type: 'repeat'; exp: Expansion; min: 0 | 1 };

export interface Grammar {
  name: string;
  rules: Map<string, Expansion>;
  publicRules: string[];
}

function tokenize(body: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(<[^>]+>|\/[^/]+\/|\{[^}]*\}|[()[\]|+*]|[^\s()[\]|+*<>/{};]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(body)) !== null) {
    tokens.push(m[1] ?? '');
    end = re.lastIndex;
  }
  if (body.slice(end).trim() !== '') throw new TypeError(`jsgf: cannot read "${body.slice(end, end + 20)}"`);
  return tokens;
}

function parseBody(tokens: string[], strict = false, rule = ''): Expansion {
  let i = 0;
  const fail = (msg: string): never => {
    throw new SyntaxError(`jsgf <${rule}>: ${msg} at token ${i} (${tokens[i] ?? 'end'})`);
  };
  const alt = (): Expansion => {
    const options: { weight: number; exp: Expansion }[] = [];
    for (;;) {
      let weight = 1;
      const t = tokens[i];
      if (t !== undefined && t.startsWith('/')) {
        if (strict) fail('unexpected token');
        weight = Number(t.slice(1, -1));
        i++;
      }
      options.push({ weight, exp: seq() });
      if (tokens[i] !== '|') break;
      i++;
    }
    return options.length === 1 ? options[0]!.exp : { type: 'alt', options };
  };
  const seq = (): Expansion => {
    const items: Expansion[] = [];
    for (;;) {
      const t = tokens[i];
      if (t === undefined || t === '|' || t === ')' || t === ']') break;
      i++;
      let item: Expansion;
      if (t === '(') {
        item = alt();
        if (tokens[i++] !== ')') {
          if (strict) fail('missing )');
          throw new TypeError('jsgf: missing )');
        }
      } else if (t === '[') {
        item = { type: 'opt', exp: alt() };
        if (tokens[i++] !== ']') {
          if (strict) fail('missing ]');
          throw new TypeError('jsgf: missing ]');
        }
      } else if (t.startsWith('{')) {
        if (strict) {
          i--;
          fail('unexpected token');
        }
        continue; // tags carry no words
      } else if (t.startsWith('<')) {
        item = { type: 'ref', name: t.slice(1, -1) };
      } else if (strict && !/^[a-z]+$/.test(t)) {
        i--;
        return fail('unexpected token');
      } else {
        item = { type: 'word', word: t };
      }
      while (tokens[i] === '+' || tokens[i] === '*') {
        item = { type: 'repeat', exp: item, min: tokens[i] === '+' ? 1 : 0 };
        i++;
      }
      items.push(item);
    }
    if (strict && items.length === 0) fail('empty expansion');
    return items.length === 1 ? items[0]! : { type: 'seq', items };
  };
  const e = alt();
  if (i !== tokens.length) {
    if (strict) fail('unbalanced or stray token');
    throw new TypeError(`jsgf: unexpected "${tokens[i]}"`);
  }
  return e;
}

export function parseJsgf(text: string, options: ParseJsgfOptions = {}): Grammar {
  if (options.strict === true) return parseStrict(text);
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '');
  const statements = noComments.split(';').map((s) => s.trim()).filter((s) => s !== '');
  let name = '';
  const rules = new Map<string, Expansion>();
  const publicRules: string[] = [];
  for (const st of statements) {
    if (st.startsWith('#JSGF')) continue;
    const g = /^grammar\s+(\S+)$/.exec(st);
    if (g !== null) {
      name = g[1] ?? '';
      continue;
    }
    if (st.startsWith('import')) throw new TypeError('jsgf: imports are not supported');
    const r = /^(public\s+)?<([^>]+)>\s*=\s*([\s\S]*)$/.exec(st);
    if (r === null) throw new TypeError(`jsgf: cannot read statement "${st.slice(0, 40)}"`);
    const ruleName = r[2] ?? '';
    rules.set(ruleName, parseBody(tokenize(r[3] ?? '')));
    if (r[1] !== undefined) publicRules.push(ruleName);
  }
  if (publicRules.length === 0) throw new TypeError('jsgf: no public rule');
  return { name, rules, publicRules };
}

/** `parseJsgf(text, { strict: true })`: the same grammar, or a SyntaxError naming what is wrong. */
function parseStrict(text: string): Grammar {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '#JSGF V1.0;') throw new SyntaxError('jsgf: missing "#JSGF V1.0;" header');
  const body = lines.slice(1).filter((l) => !l.trim().startsWith('//')).join('\n');
  const statements = body.split(';').map((s) => s.trim());
  if (statements.pop() !== '') throw new SyntaxError('jsgf: text after the last ";"');
  const nameMatch = /^grammar\s+([A-Za-z_][\w.]*)$/.exec(statements.shift() ?? '');
  if (nameMatch === null) throw new SyntaxError('jsgf: missing grammar declaration');
  const rules = new Map<string, Expansion>();
  const publicRules: string[] = [];
  for (const st of statements) {
    const m = /^(public\s+)?<([\w]+)>\s*=\s*([\s\S]+)$/.exec(st);
    if (m === null) throw new SyntaxError(`jsgf: cannot read rule "${st.slice(0, 40)}"`);
    const name = m[2] ?? '';
    if (rules.has(name)) throw new SyntaxError(`jsgf: rule <${name}> defined twice`);
    let tokens: string[];
    try {
      tokens = tokenize(m[3] ?? '');
    } catch (error) {
      throw new SyntaxError(`jsgf <${name}>: ${error instanceof Error ? error.message : String(error)}`);
    }
    rules.set(name, parseBody(tokens, true, name));
    if (m[1] !== undefined) publicRules.push(name);
  }
  const check = (e: Expansion): void => {
    if (e.type === 'ref' && !rules.has(e.name)) throw new SyntaxError(`jsgf: undefined rule <${e.name}>`);
    if (e.type === 'seq') e.items.forEach(check);
    if (e.type === 'alt') e.options.forEach((o) => check(o.exp));
    if (e.type === 'opt' || e.type === 'repeat') check(e.exp);
  };
  rules.forEach(check);
  if (publicRules.length === 0) throw new SyntaxError('jsgf: no public rule');
  return { name: nameMatch[1] ?? '', rules, publicRules };
}

/** Every word the grammar can produce (lower case, sorted). */
export function grammarWords(g: Grammar): string[] {
  const words = new Set<string>();
  const visit = (e: Expansion): void => {
    switch (e.type) {
      case 'word':
        words.add(e.word.toLowerCase());
        return;
      case 'ref':
        return;
      case 'seq':
        e.items.forEach(visit);
        return;
      case 'alt':
        e.options.forEach((o) => visit(o.exp));
        return;
      case 'opt':
      case 'repeat':
        visit(e.exp);
    }
  };
  for (const e of g.rules.values()) visit(e);
  for (const special of ['<null>', '<void>']) words.delete(special);
  return [...words].sort();
}

/** A random sentence from the public rules; `random()` in [0, 1). Repeats produce 1–2 items. */
export function sampleSentence(g: Grammar, random: () => number): string {
  const out: string[] = [];
  const pickIndex = (n: number): number => Math.min(n - 1, Math.floor(random() * n));
  const walk = (e: Expansion, depth: number): void => {
    if (depth > 50) throw new TypeError('jsgf: recursion too deep');
    switch (e.type) {
      case 'word':
        out.push(e.word.toLowerCase());
        return;
      case 'ref': {
        if (e.name === 'NULL') return;
        const r = g.rules.get(e.name);
        if (r === undefined) throw new TypeError(`jsgf: unknown rule <${e.name}>`);
        walk(r, depth + 1);
        return;
      }
      case 'seq':
        for (const item of e.items) walk(item, depth);
        return;
      case 'alt': {
        const total = e.options.reduce((s, o) => s + o.weight, 0);
        let x = random() * total;
        for (const o of e.options) {
          x -= o.weight;
          if (x < 0) return walk(o.exp, depth);
        }
        walk(e.options[e.options.length - 1]!.exp, depth);
        return;
      }
      case 'opt':
        if (random() < 0.5) walk(e.exp, depth);
        return;
      case 'repeat': {
        const n = e.min === 1 ? 1 + pickIndex(2) : pickIndex(3);
        for (let k = 0; k < n; k++) walk(e.exp, depth);
      }
    }
  };
  const root = g.publicRules[pickIndex(g.publicRules.length)]!;
  walk({ type: 'ref', name: root }, 0);
  return out.join(' ');
}

/**
 * A RegExp matching `words.join(' ') + ' '` for the sentences of the public rules (words as written
 * in the grammar; `<NULL>` matches nothing said, `<VOID>` nothing at all).
 */
export function grammarRegExp(g: Grammar): RegExp {
  const src = (e: Expansion, depth: number): string => {
    if (depth > 50) throw new TypeError('jsgf: recursion too deep');
    switch (e.type) {
      case 'word':
        return `${e.word} `;
      case 'ref': {
        if (e.name === 'NULL') return '';
        if (e.name === 'VOID') return '(?!)';
        const r = g.rules.get(e.name);
        if (r === undefined) throw new TypeError(`jsgf: unknown rule <${e.name}>`);
        return `(?:${src(r, depth + 1)})`;
      }
      case 'seq':
        return e.items.map((x) => src(x, depth)).join('');
      case 'alt':
        return `(?:${e.options.map((o) => src(o.exp, depth)).join('|')})`;
      case 'opt':
        return `(?:${src(e.exp, depth)})?`;
      case 'repeat':
        return `(?:${src(e.exp, depth)})${e.min === 1 ? '+' : '*'}`;
    }
  };
  return new RegExp(`^(?:${g.publicRules.map((r) => src({ type: 'ref', name: r }, 0)).join('|')})$`);
}

/** Whether `sentence` (case, punctuation and extra spaces ignored) matches `grammarRegExp`'s RegExp. */
export function inGrammar(re: RegExp, sentence: string): boolean {
  const words = sentence.toLowerCase().replace(/[^a-z ]+/g, ' ').split(/\s+/).filter((w) => w !== '');
  return re.test(`${words.join(' ')} `);
}
