/*
 * Which plugin contributed each class, so that start-up problems name the package at fault.
 * pluginModule() remembers its classes; the plugin loader stamps them with the package (or
 * path) it loaded them from.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Constructor = abstract new (...args: any[]) => object;

const classesOfModule = new WeakMap<object, readonly Constructor[]>();
const originOfClass = new WeakMap<Constructor, string>();

/** Called by pluginModule(): the classes a module binds. */
export function rememberClasses(module: object, classes: readonly Constructor[]): void {
  classesOfModule.set(module, classes);
}

/** Called by the plugin loader: every class of `module` came from `origin` (a package name or path). */
export function recordOrigin(module: object, origin: string): void {
  for (const cls of classesOfModule.get(module) ?? []) if (!originOfClass.has(cls)) originOfClass.set(cls, origin);
}

/** The package a contribution (class or instance) came from, when a loader recorded it. */
export function originOf(contribution: object): string | undefined {
  const cls = (typeof contribution === 'function' ? contribution : contribution.constructor) as Constructor;
  return originOfClass.get(cls);
}

/** `ClassName (from @acme/pkg)`, or the class name alone when its package is unknown. */
export function contributorLabel(contribution: object): string {
  const cls = typeof contribution === 'function' ? contribution : contribution.constructor;
  const origin = originOf(contribution);
  return origin ? `${cls.name} from ${origin}` : cls.name;
}
