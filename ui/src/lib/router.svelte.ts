/**
 * The client router: the URL is the view state. Views read path and query from here and write
 * their state back into the query (replace, so the back button steps between pages, not between
 * keystrokes), which makes every view deep-linkable.
 */
class Router {
  url = $state(new URL(window.location.href));

  constructor() {
    window.addEventListener("popstate", () => (this.url = new URL(window.location.href)));
    // Same-origin links navigate in place; modified clicks (new tab) and downloads keep their meaning.
    document.addEventListener("click", (e) => {
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const a = (e.target as Element | null)?.closest?.("a");
      if (!a || a.target || a.hasAttribute("download") || a.origin !== window.location.origin) return;
      if (a.pathname.startsWith("/api/") || a.pathname.startsWith("/v1/")) return;
      e.preventDefault();
      this.navigate(a.pathname + a.search + a.hash);
    });
  }

  get path(): string {
    return this.url.pathname;
  }

  /** One query parameter ("" when absent). */
  param(name: string): string {
    return this.url.searchParams.get(name) ?? "";
  }

  navigate(href: string, options: { replace?: boolean } = {}): void {
    const next = new URL(href, window.location.href);
    if (next.href === this.url.href) return;
    if (options.replace) history.replaceState(null, "", next);
    else history.pushState(null, "", next);
    this.url = next;
    if (!options.replace) window.scrollTo(0, 0);
  }

  /** Sets query parameters ("" or null removes one), by default replacing the history entry. */
  setQuery(patch: Record<string, string | number | boolean | null | undefined>, options: { replace?: boolean } = { replace: true }): void {
    const next = new URL(this.url.href);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === undefined || v === "" || v === false) next.searchParams.delete(k);
      else next.searchParams.set(k, String(v));
    }
    this.navigate(next.pathname + next.search + next.hash, options);
  }
}

export const router = new Router();
