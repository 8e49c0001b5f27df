/**
 * A strict little JSGF reader for tests: checks the syntax we emit (header, grammar name, rules
 * ending in ";", balanced groups, defined references), turns the public rule into a RegExp over
 * space-separated words (to ask "is this sentence in the grammar?") and samples sentences.
 */
import type { RandomSource } from '../random-source';

type Node =
  | { t: 'word'; w: string }
  | { t: 'ref'; name: string }
  | { t: 'seq'; items: Node[] }
  | { t: 'alt'; options: Node[] }
  | { t: 'opt'; node: Node }
  | { t: 'rep'; node: Node; min: 0 | 1 };

export interface ParsedGrammar {
  name: string;
  publicRules: string[];
  rules: Map<string, Node>;
}

function parseBody(src: string, rule: string): Node {
  const tokens = src.match(/<[^>]+>|[()[\]|*+]|[^\s()[\]|*+<>]+/g) ?? [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new SyntaxError(`jsgf <${rule}>: ${msg} at token ${i} (${tokens[i] ?? 'end'})`);
  };
  const alt = (): Node => {
    const options = [seq()];
    while (tokens[i] === '|') {
      i++;
      options.push(seq());
    }
    return options.length === 1 ? (options[0] as Node) : { t: 'alt', options };
  };
  const seq = (): Node => {
    const items: Node[] = [];
    for (;;) {
      const tok = tokens[i];
      if (tok === undefined || tok === '|' || tok === ')' || tok === ']') break;
      i++;
      let node: Node;
      if (tok === '(') {
        node = alt();
        if (tokens[i++] !== ')') fail('missing )');
      } else if (tok === '[') {
        node = { t: 'opt', node: alt() };
        if (tokens[i++] !== ']') fail('missing ]');
      } else if (tok.startsWith('<')) {
        node = { t: 'ref', name: tok.slice(1, -1) };
      } else if (/^[a-z]+$/.test(tok)) {
        node = { t: 'word', w: tok };
      } else {
        return fail('unexpected token');
      }
      while (tokens[i] === '*' || tokens[i] === '+') node = { t: 'rep', node, min: tokens[i++] === '+' ? 1 : 0 };
      items.push(node);
    }
    if (items.length === 0) fail('empty expansion');
    return items.length === 1 ? (items[0] as Node) : { t: 'seq', items };
  };
  const node = alt();
  if (i !== tokens.length) fail('unbalanced or stray token');
  return node;
}

export function parseGrammar(text: string): ParsedGrammar {
  const lines = text.split('\n');
  if (lines[0]?.trim() !== '#JSGF V1.0;') throw new SyntaxError('jsgf: missing "#JSGF V1.0;" header');
  const body = lines.slice(1).filter((l) => !l.trim().startsWith('//')).join('\n');
  const statements = body.split(';').map((s) => s.trim());
  if (statements.pop() !== '') throw new SyntaxError('jsgf: text after the last ";"');
  const nameMatch = /^grammar\s+([A-Za-z_][\w.]*)$/.exec(statements.shift() ?? '');
  if (nameMatch === null) throw new SyntaxError('jsgf: missing grammar declaration');
  const rules = new Map<string, Node>();
  const publicRules: string[] = [];
  for (const st of statements) {
    const m = /^(public\s+)?<([\w]+)>\s*=\s*([\s\S]+)$/.exec(st);
    if (m === null) throw new SyntaxError(`jsgf: cannot read rule "${st.slice(0, 40)}"`);
    const name = m[2] as string;
    if (rules.has(name)) throw new SyntaxError(`jsgf: rule <${name}> defined twice`);
    rules.set(name, parseBody(m[3] as string, name));
    if (m[1] !== undefined) publicRules.push(name);
  }
  const check = (n: Node): void => {
    if (n.t === 'ref' && !rules.has(n.name)) throw new SyntaxError(`jsgf: undefined rule <${n.name}>`);
    if (n.t === 'seq') n.items.forEach(check);
    if (n.t === 'alt') n.options.forEach(check);
    if (n.t === 'opt' || n.t === 'rep') check(n.node);
  };
  rules.forEach(check);
  return { name: nameMatch[1] as string, publicRules, rules };
}

/** A RegExp matching `words.join(' ') + ' '` for sentences of the public rules. */
export function grammarRegExp(g: ParsedGrammar): RegExp {
  const src = (n: Node, depth: number): string => {
    if (depth > 50) throw new SyntaxError('jsgf: recursion too deep');
    switch (n.t) {
      case 'word':
        return `${n.w} `;
      case 'ref':
        return `(?:${src(g.rules.get(n.name) as Node, depth + 1)})`;
      case 'seq':
        return n.items.map((x) => src(x, depth)).join('');
      case 'alt':
        return `(?:${n.options.map((x) => src(x, depth)).join('|')})`;
      case 'opt':
        return `(?:${src(n.node, depth)})?`;
      case 'rep':
        return `(?:${src(n.node, depth)})${n.min === 1 ? '+' : '*'}`;
    }
  };
  return new RegExp(`^(?:${g.publicRules.map((r) => src({ t: 'ref', name: r }, 0)).join('|')})$`);
}

export function inGrammar(re: RegExp, sentence: string): boolean {
  const words = sentence.toLowerCase().replace(/[^a-z ]+/g, ' ').split(/\s+/).filter((w) => w !== '');
  return re.test(`${words.join(' ')} `);
}

/** A random sentence of the public rules (optionals taken half the time, repeats 1–2 times). */
export function sampleSentence(g: ParsedGrammar, rng: RandomSource): string {
  const out: string[] = [];
  const walk = (n: Node): void => {
    switch (n.t) {
      case 'word':
        out.push(n.w);
        break;
      case 'ref':
        walk(g.rules.get(n.name) as Node);
        break;
      case 'seq':
        n.items.forEach(walk);
        break;
      case 'alt':
        walk(n.options[Math.floor(rng.next() * n.options.length)] as Node);
        break;
      case 'opt':
        if (rng.next() < 0.5) walk(n.node);
        break;
      case 'rep': {
        const times = n.min + (rng.next() < 0.5 ? 1 : 0);
        for (let k = 0; k < times; k++) walk(n.node);
        break;
      }
    }
  };
  const start = g.publicRules[Math.floor(rng.next() * g.publicRules.length)] as string;
  walk({ t: 'ref', name: start });
  return out.join(' ');
}
