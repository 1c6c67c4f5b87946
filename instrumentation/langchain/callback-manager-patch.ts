/**
 * How the handler gets into every LangChain run: CallbackManager._configureSync, which every
 * runnable, model, tool and retriever calls to build its callback manager, is wrapped so the
 * handler is among the inheritable handlers. A handler list gets it added (a new list, the
 * caller's is not touched); a CallbackManager passed in is copied by LangChain, and the copy gets
 * it if it lacks it. Either way the handler is added once, inheritably, so nested runs have it.
 */

/** The part of @langchain/core/callbacks/manager this patch touches. */
export interface CallbackManagerModule {
  CallbackManager: CallbackManagerClass;
}

export interface CallbackManagerClass {
  /** Typed loosely so the real module (whose parameters are LangChain's types) fits. */
  _configureSync: (...args: never[]) => unknown;
}

export type ConfigureFunction = (...args: unknown[]) => unknown;

interface ManagerLike {
  handlers: unknown[];
  addHandler(handler: unknown, inherit?: boolean): void;
}

export function configureWithHandler(original: ConfigureFunction, handler: object, isActive: () => boolean): ConfigureFunction {
  return function (this: unknown, ...args: unknown[]): unknown {
    if (!isActive()) return original.apply(this, args);
    const inheritable = args[0];
    if (inheritable === undefined || inheritable === null) args[0] = [handler];
    else if (Array.isArray(inheritable) && !inheritable.includes(handler)) args[0] = [...(inheritable as unknown[]), handler];
    const manager = original.apply(this, args);
    if (isManager(manager) && !manager.handlers.includes(handler)) manager.addHandler(handler, true);
    return manager;
  };
}

export function isCallbackManagerModule(value: unknown): value is CallbackManagerModule {
  const cm = (value as { CallbackManager?: { _configureSync?: unknown } } | null | undefined)?.CallbackManager;
  return typeof cm?._configureSync === "function";
}

function isManager(value: unknown): value is ManagerLike {
  return typeof value === "object" && value !== null && Array.isArray((value as ManagerLike).handlers) && typeof (value as ManagerLike).addHandler === "function";
}
