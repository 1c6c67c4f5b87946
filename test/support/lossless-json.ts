/**
 * A JSON parser for reading the API's answers where the number's lexeme is the point: the API
 * writes OTLP integers without a decimal point (all 64 bits) and doubles always with one, and
 * JSON.parse would round 4611686018427387903 and turn 2.0 into 2.
 *
 * Numbers come back typed by their lexeme: an integer lexeme (no ".", no exponent) is a bigint,
 * any other number is a JS number. So `2` → 2n and `2.0` → 2, which deepStrictEqual tells apart.
 * Everything else is as JSON.parse gives it.
 */
export type LosslessJson = string | boolean | null | bigint | number | LosslessJson[] | { [key: string]: LosslessJson };

export function parseLosslessJson(text: string): LosslessJson {
  const p = new Parser(text);
  const value = p.value();
  p.skipSpace();
  if (p.pos !== text.length) throw new SyntaxError(`unexpected text at ${p.pos}`);
  return value;
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  value(): LosslessJson {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.text);
    if (!m) throw new SyntaxError(`unexpected character at ${this.pos}`);
    this.pos = NUMBER.lastIndex;
    return m[1] === undefined && m[2] === undefined ? BigInt(m[0]) : Number(m[0]);
  }

  skipSpace(): void {
    while (this.pos < this.text.length && " \t\r\n".includes(this.text[this.pos]!)) this.pos++;
  }

  private object(): { [key: string]: LosslessJson } {
    const out: { [key: string]: LosslessJson } = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const key = this.string();
      this.skipSpace();
      this.expect(":");
      if (Object.hasOwn(out, key)) throw new SyntaxError(`duplicate key ${JSON.stringify(key)}`);
      // defineProperty, so a key "__proto__" is an ordinary key as in JSON.parse.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      if (this.text[this.pos] === ",") this.pos++;
      else {
        this.expect("}");
        return out;
      }
    }
  }

  private array(): LosslessJson[] {
    const out: LosslessJson[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ",") this.pos++;
      else {
        this.expect("]");
        return out;
      }
    }
  }

  private string(): string {
    if (this.text[this.pos] !== '"') throw new SyntaxError(`expected a string at ${this.pos}`);
    let i = this.pos + 1;
    while (this.text[i] !== '"') {
      if (i >= this.text.length) throw new SyntaxError("unterminated string");
      i += this.text[i] === "\\" ? 2 : 1;
    }
    const s = JSON.parse(this.text.slice(this.pos, i + 1)) as string;
    this.pos = i + 1;
    return s;
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) throw new SyntaxError(`expected "${ch}" at ${this.pos}`);
    this.pos++;
  }
}
