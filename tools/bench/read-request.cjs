'use strict';
// autocannon's setupRequest for tools/bench/read.mjs. autocannon runs in a worker thread, which can only
// take functions as files it can require, hence this file. Every target gets the same seeded random sequence
// of identifiers (the worker is new for each target), so all of them do the same work.

// eslint-disable-next-line @typescript-eslint/no-require-imports -- CommonJS: autocannon's worker requires this file
const { readFileSync } = require('node:fs');

let loaded = null;

/** mulberry32, as src/demo/generator.ts. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `context.plan` names a JSON file: { identifiers: [{namespace, value}], query: string | null, seed }. */
module.exports = function setupRequest(request, context) {
  if (loaded === null || loaded.path !== context.plan) {
    const plan = JSON.parse(readFileSync(context.plan, 'utf8'));
    loaded = { path: context.plan, plan, random: prng(plan.seed) };
  }
  const { identifiers, query } = loaded.plan;
  const variables = identifiers[Math.floor(loaded.random() * identifiers.length)];
  request.body = JSON.stringify(query ? { query, variables } : variables);
  return request;
};
