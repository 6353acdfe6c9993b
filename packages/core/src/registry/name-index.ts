/**
 * Items indexed by a canonical name and its aliases (case-sensitive unless asked otherwise:
 * file formats are looked up ignoring case). A second item claiming a name already taken is
 * refused with both owners named.
 */
export class NameIndex<T> {
  private readonly byName = new Map<string, { item: T; canonical: string; spelling: string; owner: string }>();
  private readonly canonical = new Map<string, T>();

  constructor(
    private readonly kind: string,
    private readonly options: { ignoreCase?: boolean } = {},
  ) {}

  private key(name: string): string {
    return this.options.ignoreCase ? name.toLowerCase() : name;
  }

  add(name: string, aliases: readonly string[], item: T, owner: string): void {
    for (const spelling of new Set([name, ...aliases])) {
      const taken = this.byName.get(this.key(spelling));
      if (taken) {
        throw new Error(
          `${this.kind} name "${spelling}" is claimed twice: by ${taken.owner} (${taken.canonical}) and by ${owner} (${name})`,
        );
      }
    }
    for (const spelling of new Set([name, ...aliases]))
      this.byName.set(this.key(spelling), { item, canonical: name, spelling, owner });
    this.canonical.set(name, item);
  }

  get(name: string): T | undefined {
    return this.byName.get(this.key(name))?.item;
  }

  canonicalOf(name: string): string | undefined {
    return this.byName.get(this.key(name))?.canonical;
  }

  has(name: string): boolean {
    return this.byName.has(this.key(name));
  }

  /** Items in the order they were contributed. */
  values(): T[] {
    return [...this.canonical.values()];
  }

  canonicalNames(): string[] {
    return [...this.canonical.keys()];
  }

  /** Every name and alias, as contributed. */
  allNames(): string[] {
    return [...this.byName.values()].map((entry) => entry.spelling);
  }
}
