import { defaultIdentityRules } from '../../src/identity/namespaces';
import { normalizeEvent, type NormalizeOptions } from '../../src/ingest/segment-event';

const options: NormalizeOptions = {
  rules: defaultIdentityRules(),
  receivedAt: Date.parse('2026-03-01T00:00:00Z'),
  maxEventBytes: 32 * 1024,
};

function ok(raw: unknown, opts: Partial<NormalizeOptions> = {}) {
  const result = normalizeEvent(raw, 0, { ...options, ...opts });
  if (!result.ok) throw new Error(`expected acceptance, got: ${result.reason}`);
  return result.event;
}

function reason(raw: unknown, opts: Partial<NormalizeOptions> = {}): string {
  const result = normalizeEvent(raw, 0, { ...options, ...opts });
  if (result.ok) throw new Error('expected a rejection');
  return result.reason;
}

describe('normalizeEvent: identifiers', () => {
  it('collects userId, anonymousId, traits email and phone, device id and externalIds', () => {
    const event = ok({
      type: 'identify',
      messageId: 'm1',
      userId: 'u1',
      anonymousId: 'a1',
      traits: { email: ' Ann@Example.COM ', phone: '+86 138-0013-8000', name: 'Ann' },
      context: {
        device: { id: 'd1' },
        externalIds: [{ id: 'wx-1', type: 'WeChat_OpenID', collection: 'users' }],
      },
    });
    expect(event.identifiers.map((i) => `${i.key}|${i.kind}`)).toEqual([
      'user_id:u1|ACCOUNT',
      'anonymous_id:a1|DEVICE',
      'email:ann@example.com|CONTACT',
      'phone:+8613800138000|CONTACT',
      'device_id:d1|DEVICE',
      'wechat_openid:wx-1|ACCOUNT',
    ]);
    expect(event.primary.key).toBe('user_id:u1');
    expect(event.traits).toEqual({ email: ' Ann@Example.COM ', phone: '+86 138-0013-8000', name: 'Ann' });
  });

  it('takes traits of track calls from context.traits', () => {
    const event = ok({
      type: 'track',
      event: 'Signed Up',
      messageId: 'm',
      anonymousId: 'a',
      context: { traits: { email: 'x@y.z' } },
    });
    expect(event.identifiers.map((i) => i.key)).toEqual(['anonymous_id:a', 'email:x@y.z']);
    expect(event.primary.key).toBe('anonymous_id:a');
  });

  it('treats an alias previousId as the anonymous id the user had', () => {
    const event = ok({ type: 'alias', messageId: 'm', userId: 'u9', previousId: 'anon-9' });
    expect(event.identifiers.map((i) => i.key)).toEqual(['user_id:u9', 'anonymous_id:anon-9']);
  });

  it.each([
    'null',
    'undefined',
    'anonymous',
    '0',
    '000000',
    '00000000-0000-0000-0000-000000000000',
    '  ',
    '---',
  ])('ignores the placeholder value %j', (placeholder) => {
    const event = ok({
      type: 'track',
      event: 'E',
      messageId: 'm',
      anonymousId: 'a',
      userId: 'u',
      context: { device: { id: placeholder } },
    });
    expect(event.identifiers.map((i) => i.namespace)).toEqual(['user_id', 'anonymous_id']);
  });

  it('rejects an event whose only ids are placeholders', () => {
    expect(reason({ type: 'track', event: 'E', messageId: 'm', userId: 'null' })).toMatch(/placeholder/);
  });

  it('rejects an externalIds entry without a namespace-like type', () => {
    expect(
      reason({
        type: 'track',
        event: 'E',
        messageId: 'm',
        userId: 'u',
        context: { externalIds: [{ id: 'x', type: 'Bad Type!' }] },
      }),
    ).toMatch(/context\.externalIds\.0\.type/);
  });
});

describe('normalizeEvent: bad input', () => {
  it('rejects a missing messageId', () => {
    expect(reason({ type: 'track', event: 'E', userId: 'u' })).toBe('messageId is required');
  });

  it('rejects an event with neither userId nor anonymousId', () => {
    expect(reason({ type: 'track', event: 'E', messageId: 'm' })).toBe('userId or anonymousId is required');
  });

  it.each(['yesterday', '2026-13-45T00:00:00Z', '12/03/2026', ''])(
    'rejects the bad timestamp %j',
    (timestamp) => {
      expect(reason({ type: 'track', event: 'E', messageId: 'm', userId: 'u', timestamp })).toMatch(
        /^timestamp is not an ISO-8601 date-time/,
      );
    },
  );

  it('rejects an event over the size limit, saying how large it is', () => {
    const big = {
      type: 'track',
      event: 'E',
      messageId: 'm',
      userId: 'u',
      properties: { blob: 'x'.repeat(40 * 1024) },
    };
    expect(reason(big)).toMatch(/^the event is 40\.\d KB; the limit is 32\.0 KB$/);
  });

  it('rejects unknown and unsupported types', () => {
    expect(reason({ type: 'explode', messageId: 'm', userId: 'u' })).toMatch(
      /^type must be one of identify, track, alias, page, screen/,
    );
    expect(reason({ type: 'group', messageId: 'm', userId: 'u', groupId: 'g' })).toMatch(/group/);
  });

  it('rejects a track call without an event name and an alias without previousId', () => {
    expect(reason({ type: 'track', messageId: 'm', userId: 'u' })).toBe('event is required for track calls');
    expect(reason({ type: 'alias', messageId: 'm', userId: 'u' })).toBe(
      'alias calls need both userId and previousId',
    );
  });

  it('rejects wrongly typed fields, naming them', () => {
    expect(reason({ type: 'identify', messageId: 'm', userId: 'u', traits: 'not an object' })).toMatch(
      /^traits /,
    );
    expect(reason('just a string')).toBe('an event must be a JSON object');
  });

  it('takes the type from the endpoint when the body has none', () => {
    expect(ok({ messageId: 'm', userId: 'u', event: 'E' }, { impliedType: 'track' }).type).toBe('track');
  });
});

describe('normalizeEvent: time', () => {
  it('uses timestamp when given', () => {
    expect(ok({ type: 'page', messageId: 'm', userId: 'u', timestamp: '2026-02-01T10:00:00+08:00' }).at).toBe(
      Date.parse('2026-02-01T02:00:00Z'),
    );
  });

  it('corrects originalTimestamp by the sender clock skew (sentAt)', () => {
    // The device clock is 1 hour fast: sent "at 13:00" but received at 12:00.
    const event = ok(
      {
        type: 'page',
        messageId: 'm',
        userId: 'u',
        originalTimestamp: '2026-03-01T00:50:00Z',
        sentAt: '2026-03-01T01:00:00Z',
      },
      { receivedAt: Date.parse('2026-03-01T00:00:00Z') },
    );
    expect(new Date(event.at).toISOString()).toBe('2026-02-28T23:50:00.000Z');
  });

  it('falls back to the time received', () => {
    expect(ok({ type: 'page', messageId: 'm', userId: 'u' }).at).toBe(options.receivedAt);
  });
});

describe('normalizeEvent: e-commerce', () => {
  it('turns a single-product event into one interaction on that product', () => {
    const event = ok({
      type: 'track',
      event: 'Product Viewed',
      messageId: 'pv1',
      userId: 'u',
      properties: { product_id: 'p1', name: 'Trail Shoe', category: 'Sports > Running > Shoes', price: 99.5 },
    });
    expect(event.products).toEqual([
      expect.objectContaining({
        id: 'p1',
        name: 'Trail Shoe',
        category: 'Sports/Running/Shoes',
        price: 99.5,
      }),
    ]);
    expect(event.interactions).toEqual([
      expect.objectContaining({
        id: 'pv1',
        event: 'Product Viewed',
        productId: 'p1',
        quantity: 1,
        value: 99.5,
      }),
    ]);
  });

  it('turns an order into one interaction per product line with its value and order id', () => {
    const event = ok({
      type: 'track',
      event: 'Order Completed',
      messageId: 'o1',
      userId: 'u',
      properties: {
        order_id: 'ord-1',
        revenue: 250,
        products: [
          { product_id: 'p1', price: 100, quantity: 2, category: 'A/B' },
          { sku: 'p2', price: 50 },
          { name: 'no id: skipped' },
        ],
      },
    });
    expect(event.interactions.map((x) => [x.id, x.productId, x.quantity, x.value, x.orderId])).toEqual([
      ['o1#0', 'p1', 2, 200, 'ord-1'],
      ['o1#1', 'p2', 1, 50, 'ord-1'],
    ]);
  });

  it('keeps a non-product track event as one interaction carrying its value', () => {
    const event = ok({
      type: 'track',
      event: 'Subscription Renewed',
      messageId: 's1',
      userId: 'u',
      properties: { revenue: 30 },
    });
    expect(event.interactions).toEqual([expect.objectContaining({ id: 's1', productId: null, value: 30 })]);
  });

  it('records page and screen views', () => {
    expect(ok({ type: 'page', messageId: 'p', userId: 'u', name: 'Pricing' }).interactions[0]).toMatchObject({
      event: 'Page Viewed',
      properties: { name: 'Pricing' },
    });
    expect(ok({ type: 'screen', messageId: 's', userId: 'u', name: 'Cart' }).interactions[0]).toMatchObject({
      event: 'Screen Viewed',
    });
  });
});
