import { getText, ApiError } from "./client.ts";

/**
 * What this collector's API can do, found out once: the UI uses the query language when the
 * server has it (GET /api/query/explain answers) and falls back to the simple filters otherwise.
 */
class Features {
  queryLanguage = $state<boolean | null>(null);
  private probing: Promise<void> | undefined;

  probe(): Promise<void> {
    return (this.probing ??= getText("/api/query/explain", { q: "" }).then(
      () => void (this.queryLanguage = true),
      (err: unknown) => void (this.queryLanguage = !(err instanceof ApiError && (err.status === 404 || err.status === 0))),
    ));
  }
}

export const features = new Features();
