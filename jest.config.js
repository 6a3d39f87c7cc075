// Three tiers, as the style guide asks: unit (no database), integration (the real Neo4j named by
// NEO4J_URI), end-to-end (the server on port 0 with real HTTP and graphql-ws clients).
// `npm test` starts a throw-away Neo4j and runs all three in band (they share one database).
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json', diagnostics: false }] };
const common = { testEnvironment: 'node', transform, setupFiles: ['reflect-metadata'] };
const database = { ...common, globalSetup: '<rootDir>/test/helpers/global-setup.ts' };

module.exports = {
  // A guard against hangs, not a speed check: a cold Neo4j makes the first queries slow.
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...database, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    {
      ...database,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts', '<rootDir>/test/bench/**/*.test.ts'],
    },
  ],
};
