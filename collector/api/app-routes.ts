import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Router, type Request } from "express";
import type pg from "pg";
import { projectParam } from "./project.ts";
import type { Query } from "./query-params.ts";

/**
 * The server half of the app-module contract (docs/apps.md). An app folder `apps/<id>/` may hold
 * `server.ts` whose default export builds an Express router from this context; the collector mounts
 * it at /api/apps/<id>, behind the API's error handling (throw PermanentError for a 4xx).
 */
export interface AppServerContext {
  /** The app's id (its folder name). */
  id: string;
  pool: pg.Pool;
  /** The project a request reads (?project=, default "default"); every query must be scoped by it. */
  project(req: Request): string;
  log(message: string): void;
}

export type AppServerModule = { default: (ctx: AppServerContext) => Router | Promise<Router> };

const APP_ID = /^[a-z][a-z0-9-]{0,40}$/;

/**
 * Finds apps/<id>/server.{js,ts} beside the running collector: apps/ in the sources (tsx), or
 * dist/apps/ in the compiled package, where the build compiles each server.ts.
 */
export function appsDir(): string {
  return fileURLToPath(new URL("../../apps/", import.meta.url));
}

export async function appRoutes(pool: pg.Pool, log: (message: string) => void, dir: string = appsDir()): Promise<{ router: Router; mounted: string[] }> {
  const router = Router();
  const mounted: string[] = [];
  if (!existsSync(dir)) return { router, mounted };
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  for (const id of readdirSync(dir).sort()) {
    const file = join(dir, id, `server.${ext}`);
    if (!APP_ID.test(id) || !existsSync(file)) continue;
    const module = (await import(pathToFileURL(file).href)) as AppServerModule;
    if (typeof module.default !== "function") throw new Error(`app ${id}: server.${ext} must export a default function returning a router`);
    const ctx: AppServerContext = { id, pool, project: (req) => projectParam(req.query as Query), log: (m) => log(`app ${id}: ${m}`) };
    router.use(`/apps/${id}`, await module.default(ctx));
    mounted.push(id);
  }
  return { router, mounted };
}
