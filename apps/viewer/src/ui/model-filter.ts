/**
 * What the server's model can be asked for (`state.model` of @lfe/protocol): the suggestion chips
 * and the "What can I say?" list show only commands it can do. The check is edit-language's own
 * (`parseCommand` + `checkSupported`), the one the server refuses commands with.
 */
import { checkSupported, parseCommand, spokenCommands, type SpokenCommand } from '@lfe/edit-language';
import type { ModelInfo } from '@lfe/protocol';

/** The model's `attribute=level` edits, or undefined when it can do every edit (no model told, or no `supported` list). */
export function supportedLevels(model: ModelInfo | undefined): ReadonlySet<string> | undefined {
  return model?.supported === undefined ? undefined : new Set(model.supported);
}

/** Whether `text` parses and the model can do all of it (control words always). */
export function canDo(text: string, levels: ReadonlySet<string> | undefined): boolean {
  try {
    const parsed = parseCommand(text);
    if (levels !== undefined && parsed.kind === 'edit') checkSupported(parsed.edits, levels);
    return true;
  } catch {
    return false;
  }
}

/** The spoken commands (the recogniser's grammar) the model can do. */
export function spokenCommandsFor(levels: ReadonlySet<string> | undefined): SpokenCommand[] {
  return spokenCommands().filter((c) => canDo(c.text, levels));
}

/** A key that changes when what the model can do changes (to re-render only then). */
export function levelsKey(levels: ReadonlySet<string> | undefined): string {
  return levels === undefined ? '*' : [...levels].sort().join(',');
}
