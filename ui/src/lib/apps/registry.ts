import type { AppManifest, AppRoute, NavEntry, SpanPanel } from "./contract.ts";

/**
 * Every apps/<id>/manifest.ts, found at build time: adding an app is adding a folder. Manifests
 * are eager (they are small); their views are lazy.
 */
const modules = import.meta.glob<{ default: AppManifest }>("../../../../apps/*/manifest.ts", { eager: true });

export const apps: AppManifest[] = Object.entries(modules)
  .map(([file, m]) => {
    const folder = /apps\/([^/]+)\/manifest\.ts$/.exec(file)?.[1];
    if (m.default.id !== folder) console.warn(`app manifest ${file}: id "${m.default.id}" should be its folder name "${folder}"`);
    return m.default;
  })
  .sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.id.localeCompare(b.id));

export const navEntries: Array<NavEntry & { app: string }> = apps.flatMap((a) => a.nav.map((n) => ({ ...n, app: a.id })));

export const spanPanels: SpanPanel[] = apps.flatMap((a) => a.spanPanels ?? []);

export interface MatchedRoute {
  route: AppRoute;
  app: AppManifest;
  params: Record<string, string>;
}

const compiled = apps.flatMap((app) =>
  app.routes.map((route) => {
    const names: string[] = [];
    const pattern = route.path.replace(/\/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => (names.push(name), "/([^/]+)"));
    return { app, route, names, regex: new RegExp(`^${pattern}/?$`) };
  }),
);

export function matchRoute(pathname: string): MatchedRoute | null {
  for (const c of compiled) {
    const m = c.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    c.names.forEach((name, i) => (params[name] = decodeURIComponent(m[i + 1]!)));
    return { route: c.route, app: c.app, params };
  }
  return null;
}
