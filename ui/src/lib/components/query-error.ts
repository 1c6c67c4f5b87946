/** A query error as the query bar shows it: underlined at position (characters, 0-based) when known. */
export interface QueryError {
  message: string;
  position?: number;
  length?: number;
}
