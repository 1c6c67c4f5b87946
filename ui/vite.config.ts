import { fileURLToPath } from "node:url";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import { defineConfig } from "vite";

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

/**
 * The web UI: the shell in ui/, the app modules in ../apps (found by a glob import of their
 * manifests). Built by `npm install` (the build script) into dist/ui, which the collector serves.
 * `npm run dev:ui` serves it with hot reload, proxying the API to a collector on :4318.
 */
export default defineConfig({
  root: here("."),
  base: "/",
  plugins: [svelte()],
  resolve: { alias: { $ui: here("src/lib") } },
  build: {
    outDir: here("../dist/ui"),
    emptyOutDir: true,
    target: "es2022",
    chunkSizeWarningLimit: 1000,
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  server: {
    fs: { allow: [here(".."), here("../apps")] },
    proxy: { "/api": process.env.SIGHTLINE_URL ?? "http://127.0.0.1:4318" },
  },
});
