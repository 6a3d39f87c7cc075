import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, describeSettings, loadConfig } from '../../src/config';

const base = { NEO4J_URI: 'bolt://127.0.0.1:7687' };

describe('settings', () => {
  it('has documented defaults', () => {
    const config = loadConfig(base);
    expect(config).toMatchObject({
      PORT: 4000,
      DEMO_DATA: true,
      NEO4J_USER: '',
      MAX_PAGE_SIZE: 100,
      MAX_EVENT_BYTES: 32768,
      MAX_BATCH_BYTES: 512000,
    });
  });

  it('parses flags and lists', () => {
    const config = loadConfig({
      ...base,
      DEMO_DATA: 'false',
      PERSONAL_TRAITS: ' a, b ,',
      TRAIT_NAMESPACE_RANKING: 'crm_id,user_id',
    });
    expect(config.DEMO_DATA).toBe(false);
    expect(config.PERSONAL_TRAITS).toEqual(['a', 'b']);
    expect(config.TRAIT_NAMESPACE_RANKING).toEqual(['crm_id', 'user_id']);
  });

  it('names every bad setting at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DEMO_DATA: 'maybe', NEO4J_URI: 'http://x' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/^PORT: /m);
    expect(problems.join('\n')).toMatch(/^DEMO_DATA: /m);
    expect(problems.join('\n')).toMatch(/^NEO4J_URI: must be a bolt:\/\/ or neo4j:\/\/ URI/m);
  });

  it('explains a missing NEO4J_URI', () => {
    expect(() => loadConfig({})).toThrow(/NEO4J_URI: is required/);
  });

  it('are all documented in the README', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    for (const setting of describeSettings()) expect(readme).toContain(`| \`${setting.name}\``);
  });
});
