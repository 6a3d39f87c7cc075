import { generateEvents } from '../../src/demo/generator';
import { defaultIdentityRules } from '../../src/identity/namespaces';
import { normalizeEvent } from '../../src/ingest/segment-event';

const now = Date.parse('2026-06-01T00:00:00Z');

describe('demo event generator', () => {
  it('gives the same events for the same seed and different ones for another seed', () => {
    const a = [...generateEvents({ people: 30, seed: 7, now })];
    const b = [...generateEvents({ people: 30, seed: 7, now })];
    const c = [...generateEvents({ people: 30, seed: 8, now })];
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('produces only valid Segment events inside the simulated period', () => {
    const rules = defaultIdentityRules();
    const events = [...generateEvents({ people: 200, seed: 1, now, days: 90 })];
    for (const [i, raw] of events.entries()) {
      const result = normalizeEvent(raw, i, { rules, receivedAt: now, maxEventBytes: 32 * 1024 });
      if (!result.ok) throw new Error(`event ${i} rejected: ${result.reason}`);
      expect(result.event.at).toBeLessThanOrEqual(now + 86_400_000);
      expect(result.event.at).toBeGreaterThan(now - 91 * 86_400_000);
    }
  });

  it('has logins, anonymous-only visitors, orders, and tablets shared by four accounts', () => {
    const events = [...generateEvents({ people: 300, seed: 3, now, sharedDeviceRate: 0.1 })];
    const users = new Set(events.map((e) => e.userId).filter(Boolean));
    expect(users.size).toBeGreaterThan(150);
    expect(events.some((e) => e.event === 'Order Completed')).toBe(true);
    const accountsPerDevice = new Map<string, Set<unknown>>();
    for (const e of events) {
      const device = (e.context as { device?: { id?: string } }).device?.id;
      if (device && e.userId)
        accountsPerDevice.set(device, (accountsPerDevice.get(device) ?? new Set()).add(e.userId));
    }
    expect([...accountsPerDevice.values()].some((set) => set.size === 4)).toBe(true);
  });

  it('scales activity without dropping anyone, and spreads views over a large catalogue', () => {
    const anonymousOf = (events: Array<Record<string, unknown>>) => new Set(events.map((e) => e.anonymousId));
    const full = [...generateEvents({ people: 500, seed: 5, now })];
    const light = [...generateEvents({ people: 500, seed: 5, now, activity: 0.3, products: 20_000 })];
    // Fewer events, about in proportion (sessions are rounded and each person keeps at least one) ...
    expect(light.length).toBeLessThan(full.length * 0.6);
    expect(light.length).toBeGreaterThan(full.length * 0.2);
    // ... from as many people: everyone's first device still shows up.
    const people = (events: Array<Record<string, unknown>>) =>
      events.filter((e) => e.type === 'page' && (e.properties as { path?: string }).path === '/').length;
    expect(people(light)).toBeGreaterThanOrEqual(500);
    expect(anonymousOf(light).size).toBeGreaterThanOrEqual(500);
    const viewed = new Set(
      light
        .filter((e) => e.event === 'Product Viewed')
        .map((e) => (e.properties as { product_id: string }).product_id),
    );
    expect(viewed.size).toBeGreaterThan(1000);
    expect([...viewed].some((id) => Number(id.slice(4)) > 10_000)).toBe(true);
  });
});
