/**
 * Makes names unique in order of appearance: the first keeps its name, later ones get
 * `_2`, `_3`... (skipping suffixes another name already uses). Used for XML element names
 * and JSON keys, where two columns with one header would otherwise collide.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const used = new Set<string>();
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let n = 2;
    while (taken.has(`${name}_${n}`) || used.has(`${name}_${n}`)) n++;
    const unique = `${name}_${n}`;
    used.add(unique);
    return unique;
  });
}
