/**
 * The errors face-synth throws on bad data. Callers match on the class, never on message text;
 * every dataset error names the file (and line, where there is one) it is about.
 */
export class DatasetError extends Error {
  readonly file: string;

  constructor(file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.name = 'DatasetError';
    this.file = file;
  }
}

/** A shard whose bytes are not what the manifest promised: truncated, padded or altered. */
export class CorruptShardError extends DatasetError {
  constructor(file: string, message: string) {
    super(file, message);
    this.name = 'CorruptShardError';
  }
}

/** A manifest that is missing, unparsable, from another format or schema version, or inconsistent. */
export class ManifestError extends DatasetError {
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(file, message, options);
    this.name = 'ManifestError';
  }
}

/** A bad line in a JSONL file (shard metadata or a captions index). */
export class BadRecordError extends DatasetError {
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}`, message);
    this.name = 'BadRecordError';
    this.line = line;
  }
}

/** An image file that cannot be read or decoded. */
export class ImageDecodeError extends DatasetError {
  constructor(file: string, message: string, options?: ErrorOptions) {
    super(file, message, options);
    this.name = 'ImageDecodeError';
  }
}
