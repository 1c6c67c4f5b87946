import { DURATION, durationNanos, TIMESTAMP, timestampNanos } from "./literals.ts";
import { QueryError } from "./query-error.ts";
import { KEYWORDS, PUNCTS, type Keyword, type PathSegmentToken, type Token } from "./tokens.ts";

/** The longest query text accepted (characters). Longer text is refused before any work is done. */
export const MAX_QUERY_LENGTH = 100_000;

const KEYWORD_SET = new Set<string>(KEYWORDS);
const IDENT_START = /[A-Za-z_]/;
const SEGMENT = /^[A-Za-z0-9_]+/;
const NUMBER = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const WORD_CHAR = /[A-Za-z0-9_µ]/;
const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', "'": "'", "\\": "\\", "/": "/", n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", "0": "\0" };

/**
 * Splits query text into tokens. Paths are read whole (`span.attr.http.route`,
 * `span.attributes["http.route"]`, `run.hparams.layers.0`), so a dotted path never turns into
 * numbers; single words that are keywords (case-insensitive) become keywords.
 */
export function tokenize(text: string): Token[] {
  if (text.length > MAX_QUERY_LENGTH) throw new QueryError(`the query is ${text.length} characters long; the limit is ${MAX_QUERY_LENGTH}`, MAX_QUERY_LENGTH, text.length - MAX_QUERY_LENGTH);
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
      continue;
    }
    const start = i;
    if (c === '"' || c === "'" || c === "`") {
      const { value, end } = readString(text, i);
      tokens.push({ type: "string", value, position: start, length: end - start });
      i = end;
      continue;
    }
    if (c >= "0" && c <= "9") {
      const token = readNumberLike(text, i);
      tokens.push(token);
      i = token.position + token.length;
      continue;
    }
    if (IDENT_START.test(c)) {
      const token = readPath(text, i);
      tokens.push(token);
      i = token.position + token.length;
      continue;
    }
    const punct = PUNCTS.find((p) => text.startsWith(p, i));
    if (punct) {
      tokens.push({ type: "punct", punct, position: i, length: punct.length });
      i += punct.length;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const shown = c === "'" ? "'" : String.fromCodePoint(cp);
    throw new QueryError(`unexpected character ${JSON.stringify(shown)} at ${i}`, i, shown.length);
  }
  tokens.push({ type: "end", position: text.length, length: 0 });
  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  const quote = text[start]!;
  let i = start + 1;
  let value = "";
  while (i < text.length) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === "\\" && quote !== "`") {
      const { decoded, next } = readEscape(text, i);
      value += decoded;
      i = next;
      continue;
    }
    value += c;
    i++;
  }
  throw new QueryError(`unterminated string starting at ${start}: close it with ${quote}`, start, text.length - start);
}

function readEscape(text: string, at: number): { decoded: string; next: number } {
  const e = text[at + 1];
  if (e === undefined) throw new QueryError(`unterminated string: a backslash ends the query at ${at}`, at, 1);
  const simple = SIMPLE_ESCAPES[e];
  if (simple !== undefined) return { decoded: simple, next: at + 2 };
  if (e === "u") {
    const braced = /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(at + 2, at + 11));
    if (braced) {
      const cp = parseInt(braced[1]!, 16);
      if (cp > 0x10ffff) throw new QueryError(`escape \\u{${braced[1]}} at ${at} is beyond U+10FFFF`, at, 4 + braced[1]!.length);
      return { decoded: String.fromCodePoint(cp), next: at + 4 + braced[1]!.length };
    }
    const hex = /^[0-9a-fA-F]{4}/.exec(text.slice(at + 2, at + 6));
    if (hex) return { decoded: String.fromCharCode(parseInt(hex[0], 16)), next: at + 6 };
    throw new QueryError(`escape \\u at ${at} needs four hex digits (\\u00e9) or braces (\\u{1F600})`, at, 2);
  }
  throw new QueryError(
    `unknown escape \\${e} in a string at ${at}; write a regular expression in backticks (\`^GET /api/\\d+\`) or double the backslash`,
    at,
    2,
  );
}

/** A number, a duration (`250ms`, `1h30m`) or an ISO timestamp (`2026-11-26T08:00:00Z`). */
function readNumberLike(text: string, start: number): Token {
  const rest = text.slice(start, start + 64);
  const ts = TIMESTAMP.exec(rest);
  if (ts && (ts[0].length > 4 || rest[4] === "-")) {
    const end = start + ts[0].length;
    checkWordEnd(text, start, end, "time");
    const nanos = timestampNanos(ts[0]);
    if (nanos === null) throw new QueryError(`"${ts[0]}" at ${start} is not a valid date and time`, start, ts[0].length);
    return { type: "timestamp", nanos, text: ts[0], position: start, length: ts[0].length };
  }
  const dur = DURATION.exec(rest);
  if (dur) {
    const end = start + dur[0].length;
    checkWordEnd(text, start, end, "duration");
    const nanos = durationNanos(dur[0]);
    if (nanos === null) throw new QueryError(`the duration ${dur[0]} at ${start} is too long (at most about 292 years)`, start, dur[0].length);
    return { type: "duration", nanos, text: dur[0], position: start, length: dur[0].length };
  }
  const num = NUMBER.exec(text.slice(start, start + 400));
  if (!num) throw new QueryError(`unexpected character at ${start}`, start, 1);
  const end = start + num[0].length;
  if (end - start >= 400) throw new QueryError(`the number at ${start} is too long`, start, end - start);
  checkWordEnd(text, start, end, "number");
  return { type: "number", text: num[0], position: start, length: num[0].length };
}

function checkWordEnd(text: string, start: number, end: number, what: string): void {
  if (end < text.length && WORD_CHAR.test(text[end]!)) {
    let stop = end;
    while (stop < text.length && WORD_CHAR.test(text[stop]!)) stop++;
    const word = text.slice(start, stop);
    const hint = what === "number" || what === "duration" ? " (durations take a unit: ns, us, ms, s, m, h, d)" : "";
    throw new QueryError(`"${word}" at ${start} is not a valid ${what}${hint}`, start, stop - start);
  }
}

/** A path: a word, then any number of `.segment` and `["quoted key"]` parts. A lone keyword is a keyword. */
function readPath(text: string, start: number): Token {
  const segments: PathSegmentToken[] = [];
  let i = start;
  const first = SEGMENT.exec(text.slice(i, i + 1000))!;
  segments.push({ name: first[0], quoted: false, position: i, length: first[0].length });
  i += first[0].length;
  for (;;) {
    if (text[i] === "." && i + 1 < text.length && /[A-Za-z0-9_]/.test(text[i + 1]!)) {
      const seg = SEGMENT.exec(text.slice(i + 1, i + 1001))!;
      if (seg[0].length > 1000) throw new QueryError(`path segment at ${i + 1} is too long`, i + 1, seg[0].length);
      segments.push({ name: seg[0], quoted: false, position: i + 1, length: seg[0].length });
      i += 1 + seg[0].length;
      continue;
    }
    if (text[i] === "[") {
      let j = i + 1;
      while (text[j] === " ") j++;
      const q = text[j];
      if (q !== '"' && q !== "'" && q !== "`") throw new QueryError(`expected a quoted key after "[" at ${i}, as in span.attributes["http.route"]`, i, 1);
      const { value, end } = readString(text, j);
      let k = end;
      while (text[k] === " ") k++;
      if (text[k] !== "]") throw new QueryError(`expected "]" at ${k} to close the key opened at ${i}`, k, 1);
      segments.push({ name: value, quoted: true, position: j, length: end - j });
      i = k + 1;
      continue;
    }
    break;
  }
  const raw = text.slice(start, i);
  if (segments.length === 1 && KEYWORD_SET.has(first[0].toLowerCase())) {
    return { type: "keyword", keyword: first[0].toLowerCase() as Keyword, position: start, length: raw.length };
  }
  return { type: "path", segments, text: raw, position: start, length: raw.length };
}
