import type { SourceRange } from "./query-error.ts";

/** What the lexer hands the parser. Positions are UTF-16 offsets into the query text. */
export type Token =
  | (SourceRange & { type: "path"; segments: PathSegmentToken[]; text: string })
  | (SourceRange & { type: "keyword"; keyword: Keyword })
  | (SourceRange & { type: "string"; value: string })
  | (SourceRange & { type: "number"; text: string })
  | (SourceRange & { type: "duration"; nanos: bigint; text: string })
  | (SourceRange & { type: "timestamp"; nanos: bigint; text: string })
  | (SourceRange & { type: "punct"; punct: Punct })
  | (SourceRange & { type: "end" });

export interface PathSegmentToken extends SourceRange {
  name: string;
  /** Written in brackets (`["http.route"]`): any text, never a keyword. */
  quoted: boolean;
}

export const KEYWORDS = ["and", "or", "not", "in", "contains", "startswith", "endswith", "exists", "true", "false", "null", "now"] as const;
export type Keyword = (typeof KEYWORDS)[number];

export const PUNCTS = ["==", "!=", "<=", ">=", "=~", "!~", "&&", "||", "<", ">", "=", "!", "(", ")", "{", "}", "[", "]", ",", "-", "+"] as const;
export type Punct = (typeof PUNCTS)[number];

export function describeToken(t: Token): string {
  switch (t.type) {
    case "path":
      return `"${t.text}"`;
    case "keyword":
      return `"${t.keyword}"`;
    case "string":
      return "a string";
    case "number":
      return `the number ${t.text}`;
    case "duration":
      return `the duration ${t.text}`;
    case "timestamp":
      return `the time ${t.text}`;
    case "punct":
      return `"${t.punct}"`;
    case "end":
      return "the end of the query";
  }
}
