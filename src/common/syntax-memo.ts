/**
 * Values worked out from a node of an operation's syntax tree, kept per node and per values of the variables
 * they depend on. Apollo reuses one syntax tree per query text, so a value is worked out once for every request
 * of an operation with the same values of those variables, not on every request. At most `limit` sets of
 * values are kept per node (a query paging with a variable cursor makes a new one per page); beyond that the
 * value is worked out each time.
 */
export class SyntaxMemo<Node extends object, Value> {
  private readonly kept = new WeakMap<Node, { variables: readonly string[]; values: Map<string, Value> }>();

  constructor(private readonly limit: number) {}

  /**
   * The value for `node`: `compute()`, or what it gave before for the same values of the variables named by
   * `dependsOn()` (asked once per node) and the same `also` (further inputs, such as a setting).
   */
  get(
    node: Node,
    variables: Readonly<Record<string, unknown>>,
    dependsOn: () => readonly string[],
    compute: () => Value,
    also: readonly unknown[] = [],
  ): Value {
    let entry = this.kept.get(node);
    if (!entry) this.kept.set(node, (entry = { variables: dependsOn(), values: new Map() }));
    const key = JSON.stringify([...also, ...entry.variables.map((name) => variables[name] ?? null)]);
    let value = entry.values.get(key);
    if (value === undefined) {
      value = compute();
      if (entry.values.size < this.limit) entry.values.set(key, value);
    }
    return value;
  }
}
