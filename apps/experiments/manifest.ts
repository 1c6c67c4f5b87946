import type { AppManifest } from "$ui/apps/contract.ts";

/** Experiments, the Aim way: runs with hparams, a run's metrics, and the metrics explorer. */
export default {
  id: "experiments",
  title: "Experiments",
  order: 20,
  nav: [
    { label: "Runs", path: "/runs", key: "r" },
    { label: "Metrics", path: "/metrics", key: "m" },
  ],
  routes: [
    { path: "/runs", view: () => import("./RunsPage.svelte"), title: "Runs" },
    { path: "/runs/:runId", view: () => import("./RunPage.svelte"), title: "Run" },
    { path: "/metrics", view: () => import("./MetricsExplorer.svelte"), title: "Metrics explorer" },
  ],
  interprets: ["runs", "metrics", "distributions", "logs"],
} satisfies AppManifest;
