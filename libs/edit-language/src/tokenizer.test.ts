import { describe, expect, it } from 'vitest';
import { InputTooLongError, UnknownWordError } from './errors';
import { joinTokens, tokenize } from './tokenizer';
import { VOCABULARY } from './vocabulary';

describe('tokenize', () => {
  it('lower-cases English words and folds punctuation', () => {
    expect(tokenize('Long hair; NO glasses? Big-eyes…')).toEqual(['long', 'hair', ',', 'no', 'glasses', '.', 'big', 'eyes', '.']);
    expect(tokenize('  "long"   (hair)  ')).toEqual(['long', 'hair']);
  });

  it('segments Chinese by longest match, also inside mixed text', () => {
    expect(tokenize('大眼睛长头发')).toEqual(['大', '眼睛', '长', '头发']);
    expect(tokenize('戴太阳眼镜')).toEqual(['戴', '太阳眼镜']);
    expect(tokenize('大眼眼镜')).toEqual(['大', '眼', '眼镜']);
    expect(tokenize('long hair，戴眼镜。')).toEqual(['long', 'hair', ',', '戴', '眼镜', '.']);
    expect(tokenize('去掉胡子、眼镜')).toEqual(['去掉', '胡子', '、', '眼镜']);
  });

  it('only returns vocabulary tokens', () => {
    const vocab = new Set(VOCABULARY);
    for (const t of tokenize('please make the hair a bit longer, 然后把胡子刮掉。')) expect(vocab.has(t), t).toBe(true);
  });

  it('throws UnknownWordError for unknown words and scripts', () => {
    expect(() => tokenize('long hare')).toThrow(UnknownWordError);
    expect(() => tokenize('длинные')).toThrow(UnknownWordError);
    expect(() => tokenize('長髮')).toThrow(UnknownWordError);
  });

  it('checks the length first', () => {
    expect(() => tokenize('x'.repeat(501))).toThrow(InputTooLongError);
    expect(tokenize('')).toEqual([]);
  });
});

describe('joinTokens', () => {
  it('spaces English, joins Chinese, attaches punctuation', () => {
    expect(joinTokens(['long', 'hair', ',', 'no', 'glasses'])).toBe('long hair, no glasses');
    expect(joinTokens(['大', '眼睛', '长', '头发'])).toBe('大眼睛长头发');
    expect(joinTokens(tokenize('long hair，戴眼镜'))).toBe('long hair, 戴眼镜');
  });
});
