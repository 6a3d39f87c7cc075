import type { CypherQuery } from '../db/cypher';
import type { ViewPlan } from './profile-view';

/**
 * The statement that reads profiles with everything a view plan asks of them, in one round trip: the profile
 * (by id, a merged-away id resolving to its survivor, or by an identifier it owns) and, when asked, its
 * identifiers, tags with their definitions, segments, one page of interactions (newest first, one extra row
 * telling whether another page follows) with their products, and the count of its interactions.
 *
 * The statement is composed for the plan, as a rule is compiled: a part the plan does not ask for is not in
 * the text, and a record read lean (LEAN_FIELDS) projects only its lean fields. One general statement with a
 * parameter test per part cost Neo4j a fifth more per read, its parameters cost the driver packing on every
 * request, and its text (2.2 KB) left in two socket writes where a composed one (1.1 KB for a typical read)
 * leaves in one.
 *
 * Parameters: `$keys: [{i, id, namespace, value}]` (`i` comes back as the row's `i`), and with a page of
 * interactions `$first` and, for a later page, `$afterAt` and `$afterId`. Columns: `i`, `profile`, then
 * `identifiers`, `tags`, `segments`, `page` and `total` where the plan asks for them.
 */
export function viewStatement(plan: ViewPlan): CypherQuery {
  let statement = statements.get(plan);
  if (!statement) statements.set(plan, (statement = { name: STATEMENT_NAME, text: composeView(plan) }));
  return statement;
}

/** The name every composed view statement runs under (transaction metadata, logs, statement counts). */
export const STATEMENT_NAME = 'profiles.profileViews';

// planProfileView hands the same plan object to every request of an operation, so the text is made once.
const statements = new WeakMap<ViewPlan, CypherQuery>();

const LOOKUP = `UNWIND $keys AS k
OPTIONAL MATCH (live:Profile {id: k.id})
OPTIONAL MATCH (:MergedProfile {id: k.id})-[:MERGED_INTO]->(survivor:Profile)
OPTIONAL MATCH (:Identifier {namespace: k.namespace, value: k.value})-[:IN]->(owner:Profile)
WITH k, coalesce(live, survivor, owner) AS p
WHERE p IS NOT NULL`;

const WHOLE_PROFILE = [
  'id',
  'traits',
  'createdAt',
  'updatedAt',
  'firstSeen',
  'lastSeen',
  'lifecycleStage',
  'orders',
  'monetary',
  'lastOrderAt',
  'rfmScore',
];

/** A map projection of `variable` with `fields` (property names, or `key: expression` entries). */
const projection = (variable: string, fields: readonly string[]): string =>
  `${variable} {${fields.map((field) => (field.includes(':') ? field : `.${field}`)).join(', ')}}`;

/** The statement's text for `plan` (exported for the compiler's tests; use viewStatement). */
export function composeView(plan: ViewPlan): string {
  const parts = [LOOKUP];
  const columns = ['k.i AS i'];
  const profileFields = plan.whole.profile ? WHOLE_PROFILE : ['id'];
  columns.push(`${projection('p', profileFields)} AS profile`);
  if (plan.identifiers) {
    const fields = ['namespace', 'value', 'kind']
      .concat(plan.whole.identifiers ? ['firstSeen', 'lastSeen', 'conflicts'] : [])
      .concat('shared: shared');
    parts.push(`CALL (p) {
MATCH (p)<-[r:IN|SHARED_IN]-(i:Identifier)
WITH i, type(r) = 'SHARED_IN' AS shared ORDER BY i.namespace, i.value
RETURN collect(${projection('i', fields)}) AS identifiers
}`);
    columns.push('identifiers');
  }
  if (plan.tags) {
    const fields = ['id', 'name'].concat(plan.whole.tags ? ['kind', 'rule', 'description'] : []);
    parts.push(`CALL (p) {
MATCH (p)-[r:HAS_TAG]->(t:Tag)
WHERE t.deleted IS NULL
WITH r, t ORDER BY t.name
RETURN collect({score: r.score, since: r.since, tag: ${projection('t', fields)}}) AS tags
}`);
    columns.push('tags');
  }
  if (plan.segments) {
    const fields = ['id', 'name'].concat(
      plan.whole.segments
        ? ['rule', 'description', 'purpose', 'createdAt', 'updatedAt', 'deleted', 'deletedAt']
        : [],
      plan.whole.segments && plan.segmentSize ? ['size: COUNT { (s)<-[:MEMBER_OF]-(:Profile) }'] : [],
    );
    parts.push(`CALL (p) {
MATCH (p)-[:MEMBER_OF]->(s:Segment)
WITH s ORDER BY s.name
RETURN collect(${projection('s', fields)}) AS segments
}`);
    columns.push('segments');
  }
  const page = plan.interactions;
  if (page) {
    const fields = ['id', 'event', 'at', 'productId', 'quantity', 'value'].concat(
      page.properties ? ['properties'] : [],
      page.products
        ? [`product: ${projection('product', ['id', 'name', 'category', 'price', 'brand'])}`]
        : [],
    );
    parts.push(
      [
        'CALL (p) {',
        'MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)',
        page.after ? 'WHERE x.at < $afterAt OR (x.at = $afterAt AND x.id < $afterId)' : null,
        'WITH x ORDER BY x.at DESC, x.id DESC LIMIT toInteger($first) + 1',
        page.products ? 'OPTIONAL MATCH (x)-[:ON]->(product:Product)' : null,
        `RETURN collect(${projection('x', fields)}) AS page`,
        '}',
      ]
        .filter((line) => line !== null)
        .join('\n'),
    );
    columns.push('page');
    if (page.count) {
      parts.push(`CALL (p) {
MATCH (p)<-[:IN]-(:Identifier)-[:DID]->(x:Interaction)
RETURN count(x) AS total
}`);
      columns.push('total');
    }
  }
  parts.push(`RETURN ${columns.join(', ')}`);
  return parts.join('\n');
}
