import type { AppManifest } from "$ui/apps/contract.ts";

/** The base app: every trace, whatever produced it. */
export default {
  id: "base",
  title: "Traces",
  order: 10,
  nav: [{ label: "Traces", path: "/traces", key: "t" }],
  routes: [
    { path: "/traces", view: () => import("./TracesPage.svelte"), title: "Traces" },
    { path: "/traces/:traceId", view: () => import("./TracePage.svelte"), title: "Trace" },
  ],
  interprets: ["traces", "spans", "ai-spans"],
  spanPanels: [
    {
      // AI spans (any GenAI dialect, normalized by the collector into `ai`): the conversation first.
      id: "ai-content",
      title: "AI",
      prominent: true,
      applies: (span) => span.ai !== undefined && span.ai !== null,
      view: () => import("./AiSpanPanel.svelte"),
    },
  ],
} satisfies AppManifest;
