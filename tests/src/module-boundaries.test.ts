import { ESLint } from 'eslint';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/**
 * Lint `code` as if it were the content of an existing project file (Nx maps files to projects);
 * the messages of `rule` (the module-boundaries rule unless told).
 */
async function lintAs(relPath: string, code: string, rule = '@nx/enforce-module-boundaries'): Promise<string[]> {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: join(root, relPath) });
  return (result?.messages ?? []).filter((m) => m.ruleId === rule).map((m) => m.message);
}

describe('Nx module boundaries', () => {
  it('forbid face-pipeline importing trainer', async () => {
    const msgs = await lintAs('libs/face-pipeline/src/index.ts', "import * as trainer from '@lfe/trainer';\nexport const p = trainer;\n");
    // Since trainer depends on face-pipeline, Nx reports the cycle before the tag rule; either
    // message is a refusal by the module-boundaries rule.
    expect(msgs.join('\n')).toMatch(/lib:face-pipeline.*can not depend on.*lib:trainer|Circular dependency between "face-pipeline" and "trainer"/);
  });

  it('forbid a lib importing an app', async () => {
    const msgs = await lintAs('libs/speech/src/index.ts', "import * as server from '@lfe/stream-server';\nexport const p = server;\n");
    expect(msgs.length).toBeGreaterThan(0);
  });

  it('allow an app importing a lib, and trainer importing face-pipeline', async () => {
    expect(await lintAs('apps/stream-server/src/index.ts', "import { initRuntime } from '@lfe/face-pipeline';\nexport const p = initRuntime;\n")).toEqual([]);
    expect(await lintAs('libs/trainer/src/index.ts', "import { initRuntime } from '@lfe/face-pipeline';\nexport const p = initRuntime;\n")).toEqual([]);
  });

  it('forbid protocol importing another project or an npm package; allow both apps importing protocol', async () => {
    expect((await lintAs('libs/protocol/src/index.ts', "import { tokenize } from '@lfe/edit-language';\nexport const p = tokenize;\n")).join('\n')).toMatch(/lib:protocol/);
    expect((await lintAs('libs/protocol/src/index.ts', "import { WebSocket } from 'ws';\nexport const p = WebSocket;\n")).join('\n')).toMatch(/lib:protocol.*not allowed to import "ws"/);
    expect(await lintAs('apps/viewer/src/index.ts', "import { parseServerMessage } from '@lfe/protocol';\nexport const p = parseServerMessage;\n")).toEqual([]);
    expect(await lintAs('apps/stream-server/src/index.ts', "import { parseClientMessage } from '@lfe/protocol';\nexport const p = parseClientMessage;\n")).toEqual([]);
  });

  it('forbid media importing an app or the tfjs side of face-pipeline; allow protocol, host-tools, and the server importing media', async () => {
    // The server depends on media, so Nx reports the cycle before the tag rule: a refusal either way.
    expect((await lintAs('libs/media/src/index.ts', "import { StreamServer } from '@lfe/stream-server';\nexport const p = StreamServer;\n")).join('\n')).toMatch(/lib:media.*can not depend on|Circular dependency between "media" and "stream-server"/);
    expect((await lintAs('libs/media/src/index.ts', "import { tokenize } from '@lfe/edit-language';\nexport const p = tokenize;\n")).join('\n')).toMatch(/lib:media/);
    expect((await lintAs('libs/media/src/index.ts', "import { initRuntime } from '@lfe/face-pipeline';\nexport const p = initRuntime;\n", 'no-restricted-imports')).join('\n')).toMatch(/tfjs-free/);
    expect((await lintAs('libs/media/src/index.ts', "import { composePhoto } from '@lfe/face-pipeline/testing';\nexport const p = composePhoto;\n", 'no-restricted-imports')).join('\n')).toMatch(/tfjs-free/);
    const allowed = "import { findFfmpeg } from '@lfe/face-pipeline/host-tools';\nimport { stampFrameNumber } from '@lfe/protocol';\nexport const p = [findFfmpeg, stampFrameNumber];\n";
    expect(await lintAs('libs/media/src/index.ts', allowed)).toEqual([]);
    expect(await lintAs('libs/media/src/index.ts', allowed, 'no-restricted-imports')).toEqual([]);
    expect(await lintAs('apps/stream-server/src/index.ts', "import { VideoReceiveChain } from '@lfe/media';\nexport const p = VideoReceiveChain;\n")).toEqual([]);
  });

  it('the project graph has no lib → app edge, no face-pipeline → trainer edge, no edge out of protocol, and media → protocol / face-pipeline only', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'graph-')), 'graph.json');
    execFileSync('npx', ['nx', 'graph', `--file=${file}`], { cwd: root, stdio: 'ignore' });
    const graph = JSON.parse(readFileSync(file, 'utf8')) as {
      graph: { nodes: Record<string, { type: string; data: { tags?: string[] } }>; dependencies: Record<string, Array<{ target: string }>> };
    };
    const { nodes, dependencies } = graph.graph;
    // The server's frame path comes from media (the edge is real, not only declared).
    expect((dependencies['stream-server'] ?? []).map((d) => d.target)).toContain('media');
    expect(Object.keys(nodes)).toEqual(expect.arrayContaining(['stream-server', 'viewer', 'protocol', 'media', 'face-pipeline', 'trainer', 'speech', 'edit-language', 'face-synth', 'tools', 'tests']));
    const isApp = (p: string): boolean => nodes[p]?.type === 'app';
    const isLib = (p: string): boolean => nodes[p]?.data.tags?.includes('scope:lib') ?? false;
    for (const [src, deps] of Object.entries(dependencies)) {
      for (const d of deps) {
        if (!(d.target in nodes)) continue; // npm packages
        expect(isLib(src) && isApp(d.target), `${src} → ${d.target}`).toBe(false);
        expect(src === 'face-pipeline' && d.target === 'trainer', `${src} → ${d.target}`).toBe(false);
        expect(src === 'protocol', `${src} → ${d.target}`).toBe(false);
        if (src === 'media') expect(['protocol', 'face-pipeline'], `${src} → ${d.target}`).toContain(d.target);
      }
    }
  });
});
