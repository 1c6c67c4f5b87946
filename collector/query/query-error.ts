import { PermanentError } from "../errors.ts";

/**
 * A query the language refuses: a syntax error, an unknown field, a type error, a condition the
 * endpoint cannot answer. Always the client's fault (400). `position` and `length` are offsets in
 * UTF-16 code units (JavaScript string indexes) into the query text, so a UI can underline them.
 */
export class QueryError extends PermanentError {
  readonly position: number;
  readonly length: number;
  constructor(message: string, position: number, length: number) {
    super(message, 400);
    this.name = "QueryError";
    this.position = Math.max(0, position);
    this.length = Math.max(0, length);
  }
}

/** A range of the query text. */
export interface SourceRange {
  position: number;
  length: number;
}

export function queryError(message: string, at: SourceRange): QueryError {
  return new QueryError(message, at.position, at.length);
}
