import type { Component } from "svelte";
import type { SpanDetail } from "../api/types.ts";

/**
 * The client half of the app-module contract (docs/apps.md). An app is a folder apps/<id>/ with a
 * manifest.ts whose default export is an AppManifest; the shell finds every manifest at build time
 * and builds its navigation and routes from them. Views are loaded lazily, one chunk per view.
 */
export interface AppManifest {
  /** The folder name: lowercase letters, digits and dashes. Server routes live at /api/apps/<id>. */
  id: string;
  title: string;
  /** Navigation order across apps (lower first). */
  order?: number;
  /** Entries of the top navigation. */
  nav: NavEntry[];
  /** Client routes; a path is "/segment/:param/…", matched exactly, first app by order wins. */
  routes: AppRoute[];
  /** What data the app interprets, shown in the shell's app list and used to pick span panels. */
  interprets: DataKind[];
  /** Extra sections of the span detail (in the trace view of any app), e.g. AI content. */
  spanPanels?: SpanPanel[];
}

export type DataKind = "traces" | "spans" | "ai-spans" | "runs" | "metrics" | "distributions" | "logs";

export interface NavEntry {
  label: string;
  /** Where it links. */
  path: string;
  /** Paths (prefixes) for which this entry shows as current; default [path]. */
  activeFor?: string[];
  /** One-key shortcut after "g" (g t → traces). */
  key?: string;
}

export interface RouteProps {
  /** The :params of the matched path, decoded. */
  params: Record<string, string>;
}

export interface AppRoute {
  path: string;
  /** Lazy: the view's chunk loads on first visit. */
  view: () => Promise<{ default: Component<RouteProps> }>;
  /** The browser tab's title for this route. */
  title?: string;
}

export interface SpanPanelProps {
  span: SpanDetail;
}

export interface SpanPanel {
  id: string;
  title: string;
  /** Whether this panel has something to show for the span. Cheap and pure. */
  applies(span: SpanDetail): boolean;
  view: () => Promise<{ default: Component<SpanPanelProps> }>;
  /** Before the attributes (true) or after them. */
  prominent?: boolean;
}
