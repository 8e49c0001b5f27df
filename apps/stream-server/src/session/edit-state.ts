import type { Edit, ParsedCommand } from '@lfe/edit-language';
import { BadInputError } from '../errors';

/** An active edit as the protocol shows it: the parsed edit plus the words that asked for it. */
export interface ActiveEdit extends Edit {
  readonly text: string;
}

export interface EditSnapshot {
  readonly edits: readonly ActiveEdit[];
  readonly strength: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
}

interface Entry {
  readonly edits: readonly ActiveEdit[];
  readonly strength: number;
}

/**
 * A session's edits: pure (no I/O, no clock), one instance per session.
 *
 * - A `set` or `remove` replaces earlier edits of the same attribute ("short hair" after "long
 *   hair" leaves one hair edit); `increase` / `decrease` stack ("bigger eyes", "a bit bigger eyes").
 * - Every change (commands, strength, remove-edit, reset) is one undo step; a new change clears redo.
 * - At most `maxEdits` edits stay active; the oldest go first.
 */
export class EditState {
  #undo: Entry[] = [];
  #redo: Entry[] = [];
  #current: Entry;

  constructor(
    readonly maxEdits = 16,
    readonly maxHistory = 100,
    initialStrength = 1,
  ) {
    this.#current = { edits: [], strength: checkStrength(initialStrength) };
  }

  /** Apply a parsed command; returns false when nothing changed (undo with no history, …). */
  apply(command: ParsedCommand, text: string): boolean {
    if (command.kind === 'control') {
      switch (command.action) {
        case 'undo':
          return this.undo();
        case 'redo':
          return this.redo();
        case 'reset':
          return this.reset();
      }
    }
    if (command.edits.length === 0) return false;
    let edits = [...this.#current.edits];
    for (const e of command.edits) {
      if (e.op === 'set' || e.op === 'remove') edits = edits.filter((a) => a.attribute !== e.attribute);
      edits.push({ ...e, text });
    }
    if (edits.length > this.maxEdits) edits = edits.slice(edits.length - this.maxEdits);
    this.#commit({ edits, strength: this.#current.strength });
    return true;
  }

  setStrength(value: number): boolean {
    const strength = checkStrength(value);
    if (strength === this.#current.strength) return false;
    this.#commit({ edits: this.#current.edits, strength });
    return true;
  }

  removeEdit(index: number): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.#current.edits.length) {
      throw new BadInputError(`remove-edit: index must be an integer in [0, ${this.#current.edits.length}) (got ${String(index)})`);
    }
    this.#commit({ edits: this.#current.edits.filter((_, i) => i !== index), strength: this.#current.strength });
    return true;
  }

  undo(): boolean {
    const prev = this.#undo.pop();
    if (prev === undefined) return false;
    this.#redo.push(this.#current);
    this.#current = prev;
    return true;
  }

  redo(): boolean {
    const next = this.#redo.pop();
    if (next === undefined) return false;
    this.#undo.push(this.#current);
    this.#current = next;
    return true;
  }

  /** Drop every edit (strength stays); undoable. */
  reset(): boolean {
    if (this.#current.edits.length === 0) return false;
    this.#commit({ edits: [], strength: this.#current.strength });
    return true;
  }

  snapshot(): EditSnapshot {
    return { edits: this.#current.edits, strength: this.#current.strength, canUndo: this.#undo.length > 0, canRedo: this.#redo.length > 0 };
  }

  toJSON(): EditSnapshot {
    return this.snapshot();
  }

  #commit(next: Entry): void {
    this.#undo.push(this.#current);
    if (this.#undo.length > this.maxHistory) this.#undo.shift();
    this.#redo = [];
    this.#current = next;
  }
}

function checkStrength(value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new BadInputError(`strength: value must be a number in [0, 1] (got ${String(value)})`);
  }
  return value;
}
