'use strict';
// autocannon's verifyBody for tools/bench/read.mjs (a file, as autocannon's worker thread needs): an answer
// with GraphQL errors, or without a profile, counts as a mismatch, reported as an error of the target.

module.exports = function verifyBody(body) {
  return !body.includes('"errors"') && body.includes('"id"');
};
