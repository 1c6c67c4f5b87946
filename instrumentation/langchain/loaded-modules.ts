/**
 * The copies of @langchain/core/callbacks/manager an app has already loaded, to patch when the
 * instrumentation is enabled after LangChain was imported (the usual order in ESM, where static
 * imports run first). @langchain/core ships a CommonJS and an ESM build, two separate classes.
 */
import { createRequire } from "node:module";
import { isCallbackManagerModule, type CallbackManagerModule } from "./callback-manager-patch.ts";

const SPECIFIER = "@langchain/core/callbacks/manager";

/** The CommonJS copy, if something has required it already (never loads it). */
export function loadedCommonJsCopy(): CallbackManagerModule | undefined {
  try {
    const require = createRequire(import.meta.url);
    const exports: unknown = require.cache[require.resolve(SPECIFIER)]?.exports;
    return isCallbackManagerModule(exports) ? exports : undefined;
  } catch {
    return undefined;
  }
}

/** The ESM copy (the app's own instance when it resolves @langchain/core to the same place). */
export async function esmCopy(): Promise<CallbackManagerModule | undefined> {
  try {
    const module: unknown = await import(SPECIFIER);
    return isCallbackManagerModule(module) ? module : undefined;
  } catch {
    return undefined;
  }
}
