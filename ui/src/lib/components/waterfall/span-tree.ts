import type { SpanTreeColumns } from "../../api/types.ts";

/**
 * A trace's spans as a tree over typed arrays, built once in O(n): preorder (the row order of the
 * waterfall), depth, subtree sizes (a collapsed span skips its subtree in one step), children
 * counts, and the critical path. Nothing here allocates per span beyond the arrays, so a
 * 100,000-span trace builds in tens of milliseconds.
 */
export class SpanTree {
  readonly n: number;
  /** Spans in display order (preorder, children by start time). */
  readonly order: Int32Array;
  /** A span's position in `order`. */
  readonly position: Int32Array;
  readonly depth: Int32Array;
  /** Spans in a span's subtree, itself included. */
  readonly size: Int32Array;
  readonly childCount: Int32Array;
  readonly parent: Int32Array;
  /** 1 where the span is on the critical path of its root. */
  readonly critical: Uint8Array;
  readonly end: Float64Array;
  /** The trace's extent in nanoseconds after its start. */
  readonly span: number;
  readonly maxDepth: number;

  constructor(readonly cols: SpanTreeColumns) {
    const n = (this.n = cols.spanId.length);
    this.parent = Int32Array.from(cols.parent);
    this.end = new Float64Array(n);
    let maxEnd = 0;
    for (let i = 0; i < n; i++) {
      const e = cols.start[i]! + cols.duration[i]!;
      this.end[i] = e;
      if (e > maxEnd) maxEnd = e;
    }
    this.span = Math.max(1, maxEnd);

    // Children lists in CSR form; spans arrive sorted by start, so children are too.
    this.childCount = new Int32Array(n);
    const parent = this.parent;
    for (let i = 0; i < n; i++) {
      // A parent that is its own descendant would loop; the server sends start order, so a
      // parent index after the child only happens with clock skew and is fine. Self-parents are not.
      if (parent[i] === i) parent[i] = -1;
      if (parent[i]! >= 0) this.childCount[parent[i]!]!++;
    }
    const childStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) childStart[i + 1] = childStart[i]! + this.childCount[i]!;
    const fill = childStart.slice(0, n);
    const children = new Int32Array(Math.max(0, childStart[n]!));
    for (let i = 0; i < n; i++) if (parent[i]! >= 0) children[fill[parent[i]!]!++] = i;

    // Preorder by an explicit stack (traces can be deeper than the call stack).
    this.order = new Int32Array(n);
    this.position = new Int32Array(n).fill(-1);
    this.depth = new Int32Array(n);
    this.size = new Int32Array(n);
    let k = 0;
    let maxDepth = 0;
    const stack = new Int32Array(n);
    const visit = (root: number): void => {
      let top = 0;
      stack[top++] = root;
      this.depth[root] = 0;
      while (top > 0) {
        const s = stack[--top]!;
        if (this.position[s] !== -1) continue; // a cycle through bad parent ids: show each span once
        this.position[s] = k;
        this.order[k++] = s;
        const d = this.depth[s]!;
        if (d > maxDepth) maxDepth = d;
        for (let c = childStart[s + 1]! - 1; c >= childStart[s]!; c--) {
          const child = children[c]!;
          if (this.position[child] !== -1) continue;
          this.depth[child] = d + 1;
          stack[top++] = child;
        }
      }
    };
    for (let i = 0; i < n; i++) if (parent[i]! < 0) visit(i);
    for (let i = 0; i < n; i++) if (this.position[i] === -1) visit(i); // spans in parent cycles
    this.maxDepth = maxDepth;
    // Subtree sizes: in reverse preorder every child is done before its parent.
    for (let p = n - 1; p >= 0; p--) {
      const s = this.order[p]!;
      this.size[s]! += 1;
      if (parent[s]! >= 0 && this.position[parent[s]!]! < p) this.size[parent[s]!]! += this.size[s]!;
    }
    this.critical = criticalPath(this, children, childStart);
  }

  name(i: number): string {
    return this.cols.names[this.cols.name[i]!] ?? "";
  }

  service(i: number): string {
    return this.cols.services[this.cols.service[i]!] ?? "";
  }

  isError(i: number): boolean {
    return this.cols.status[i] === 2;
  }

  /** The rows to show: preorder, skipping the subtrees of collapsed spans. */
  visibleRows(collapsed: Set<number>): Int32Array {
    const out = new Int32Array(this.n);
    let k = 0;
    for (let p = 0; p < this.n; ) {
      const s = this.order[p]!;
      out[k++] = s;
      p += collapsed.has(s) ? this.size[s]! : 1;
    }
    return out.subarray(0, k);
  }

  /** Spans whose name, service, id or AI model contain `text` (case-insensitive). */
  search(text: string): Int32Array {
    const t = text.toLowerCase();
    const nameHit = this.cols.names.map((x) => x.toLowerCase().includes(t));
    const serviceHit = this.cols.services.map((x) => x.toLowerCase().includes(t));
    const out: number[] = [];
    for (let p = 0; p < this.n; p++) {
      const s = this.order[p]!;
      if (nameHit[this.cols.name[s]!] || serviceHit[this.cols.service[s]!] || this.cols.spanId[s]!.startsWith(t) || this.cols.aiModel[s]?.toLowerCase().includes(t)) out.push(s);
    }
    return Int32Array.from(out);
  }

  /** The ancestors of a span, nearest first. */
  ancestors(i: number): number[] {
    const out: number[] = [];
    for (let p = this.parent[i]!; p >= 0 && out.length < this.n; p = this.parent[p]!) out.push(p);
    return out;
  }

  indexOf(spanId: string): number {
    return this.cols.spanId.indexOf(spanId);
  }
}

/**
 * The critical path: the chain of work that determined when the root finished. From a span, take
 * the child that finished last; then, before that child started, the child that finished last
 * before then; and so on, descending into each (as Jaeger and Uber's CRISP compute it).
 */
function criticalPath(tree: SpanTree, children: Int32Array, childStart: Int32Array): Uint8Array {
  const onPath = new Uint8Array(tree.n);
  const cols = tree.cols;
  const work: Array<[number, number]> = [];
  for (let i = 0; i < tree.n; i++) if (tree.parent[i]! < 0) work.push([i, tree.end[i]!]);
  let guard = 0;
  while (work.length > 0 && guard++ < tree.n * 4) {
    const [s, until] = work.pop()!;
    onPath[s] = 1;
    const kids = Array.from(children.subarray(childStart[s]!, childStart[s + 1]!)).sort((a, b) => tree.end[b]! - tree.end[a]!);
    let t = until;
    for (const c of kids) {
      if (cols.start[c]! >= t) continue;
      const e = Math.min(tree.end[c]!, t);
      if (e <= cols.start[s]!) break;
      work.push([c, e]);
      t = cols.start[c]!;
    }
  }
  return onPath;
}
