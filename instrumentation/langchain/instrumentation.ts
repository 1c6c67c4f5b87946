/**
 * LangChainInstrumentation: OpenTelemetry spans in the current GenAI conventions for
 * @langchain/core 1.x (invoke_agent, chat, text_completion, execute_tool, retrieval and chain
 * spans, nested as LangChain's run tree). See docs/instrumentation.md.
 *
 *   register({ instrumentations: [new LangChainInstrumentation()] });
 *
 * Which copy of LangChain gets patched:
 *  - CommonJS: when it is required (the require hook), or at enable() if it was required before;
 *  - ESM: as it loads, when the OTel ESM loader hook is registered; else at enable(), by
 *    importing @langchain/core/callbacks/manager, which yields the app's own instance; that takes
 *    a few microtasks (`await instrumentation.ready`). To be certain from the
 *    first call, or when the app resolves another copy of @langchain/core, hand the module over:
 *
 *   import * as CallbackManagerModule from "@langchain/core/callbacks/manager";
 *   instrumentation.manuallyInstrument(CallbackManagerModule);
 */
import { InstrumentationBase, InstrumentationNodeModuleDefinition, InstrumentationNodeModuleFile } from "@opentelemetry/instrumentation";
import { captureContentByDefault } from "../genai/content-capture.ts";
import { SightlineCallbackHandler } from "./callback-handler.ts";
import { configureWithHandler, isCallbackManagerModule, type CallbackManagerClass, type CallbackManagerModule, type ConfigureFunction } from "./callback-manager-patch.ts";
import type { LangChainInstrumentationConfig } from "./config.ts";
import { esmCopy, loadedCommonJsCopy } from "./loaded-modules.ts";

export const INSTRUMENTATION_NAME = "sightline-instrumentation-langchain";
export const INSTRUMENTATION_VERSION = "0.1.0";
const SUPPORTED_VERSIONS = [">=1.0.0 <2"];
const CALLBACK_MANAGER_FILES = ["@langchain/core/dist/callbacks/manager.cjs", "@langchain/core/dist/callbacks/manager.js"];

interface Patch {
  original: ConfigureFunction;
  wrapper: ConfigureFunction;
}

export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  // `declare`: InstrumentationBase's constructor calls init() and enable() before field
  // initialisers would run, so these are created on first use instead.
  private declare patches: Map<CallbackManagerClass, Patch> | undefined;
  private declare manualModules: Set<CallbackManagerModule> | undefined;
  private declare handler: SightlineCallbackHandler | undefined;
  private declare patchingLoaded: Promise<void> | undefined;

  constructor(config: LangChainInstrumentationConfig = {}) {
    super(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, config);
  }

  /**
   * Instruments a @langchain/core/callbacks/manager module the loader hooks cannot see (ESM
   * without the hook, bundlers). Idempotent; takes effect while the instrumentation is enabled.
   */
  manuallyInstrument(callbackManagerModule: CallbackManagerModule): void {
    if (!isCallbackManagerModule(callbackManagerModule)) {
      this._diag.warn("manuallyInstrument: not a @langchain/core/callbacks/manager module");
      return;
    }
    (this.manualModules ??= new Set()).add(callbackManagerModule);
    if (this.isEnabled()) this.patchModule(callbackManagerModule);
  }

  /** Resolves once the copies of LangChain already loaded when the instrumentation was enabled are patched. */
  get ready(): Promise<void> {
    return this.patchingLoaded ?? Promise.resolve();
  }

  override enable(): void {
    super.enable();
    for (const module of this.manualModules ?? []) this.patchModule(module);
    const commonJs = loadedCommonJsCopy();
    if (commonJs) {
      this.patchModule(commonJs);
      return; // a CommonJS app: no need to load the ESM build
    }
    this.patchingLoaded = esmCopy().then((module) => {
      if (module && this.isEnabled()) this.patchModule(module);
    });
  }

  override disable(): void {
    super.disable();
    for (const cls of [...(this.patches?.keys() ?? [])]) this.unpatchClass(cls);
  }

  protected init(): InstrumentationNodeModuleDefinition {
    const patch = <T>(exports: T): T => {
      if (isCallbackManagerModule(exports)) this.patchModule(exports);
      return exports;
    };
    const unpatch = (exports: unknown): void => {
      if (isCallbackManagerModule(exports)) this.unpatchClass(exports.CallbackManager);
    };
    return new InstrumentationNodeModuleDefinition(
      "@langchain/core",
      SUPPORTED_VERSIONS,
      undefined,
      undefined,
      CALLBACK_MANAGER_FILES.map((file) => new InstrumentationNodeModuleFile(file, SUPPORTED_VERSIONS, patch, unpatch)),
    );
  }

  private callbackHandler(): SightlineCallbackHandler {
    return (this.handler ??= new SightlineCallbackHandler({
      tracer: () => this.tracer,
      config: () => this._config,
      captureContent: () => this._config.captureMessageContent ?? captureContentByDefault(),
    }));
  }

  /**
   * Wraps CallbackManager._configureSync. Done by hand rather than with shimmer's _wrap, which
   * would first unwrap another instrumentation's wrapper (OpenInference, Traceloop) on the same
   * method; this one stacks with them and, when disabled, steps out only if still on top (else it
   * stays in place, inert).
   */
  private patchModule(module: CallbackManagerModule): void {
    const cls = module.CallbackManager;
    const patches = (this.patches ??= new Map());
    if (patches.has(cls)) return;
    const original = cls._configureSync as ConfigureFunction;
    const wrapper = configureWithHandler(original, this.callbackHandler(), () => this.isEnabled() && this.patches?.get(cls)?.wrapper === wrapper);
    cls._configureSync = wrapper;
    patches.set(cls, { original, wrapper });
  }

  private unpatchClass(cls: CallbackManagerClass): void {
    const patch = this.patches?.get(cls);
    if (!patch) return;
    this.patches!.delete(cls);
    if (cls._configureSync === patch.wrapper) cls._configureSync = patch.original;
  }
}
