import { existsSync } from "node:fs";
import { join } from "node:path";
import express, { Router } from "express";
import { packageRoot } from "../package-root.ts";

/** Where `npm install` (the build script's Vite step) puts the web UI. */
export function defaultUiDir(): string {
  return join(packageRoot(), "dist", "ui");
}

/**
 * The web UI on `/`: built files with caching that suits them (Vite's content-hashed assets are
 * immutable; index.html is revalidated every time, so a new build is picked up at once) and the
 * history-API fallback: any other GET that wants HTML gets index.html and the client router takes
 * over. /api and /v1 never fall back: their unknown paths stay JSON or OTLP errors.
 * Without a built UI, `/` shows `fallbackHtml` (how to send data, where the API is).
 */
export function uiRouter(uiDir: string, fallbackHtml: () => string): Router {
  const router = Router();
  const index = join(uiDir, "index.html");
  if (!existsSync(index)) {
    router.get("/", (_req, res) => res.type("html").send(fallbackHtml()));
    return router;
  }
  router.use(
    "/assets",
    express.static(join(uiDir, "assets"), { index: false, immutable: true, maxAge: "1y" }),
    // A missing hashed asset (an old page asking for a replaced build) is a 404, never index.html.
    (_req: express.Request, res: express.Response) => void res.status(404).type("text/plain").send("no such asset"),
  );
  router.use(express.static(uiDir, { index: false, cacheControl: false, setHeaders: (res) => res.setHeader("Cache-Control", "no-cache") }));
  router.use((req, res, next) => {
    if ((req.method !== "GET" && req.method !== "HEAD") || /^\/(api|v1)(\/|$)/.test(req.path) || !req.accepts("html")) return next();
    res.setHeader("Cache-Control", "no-cache");
    res.sendFile(index, { cacheControl: false });
  });
  return router;
}
