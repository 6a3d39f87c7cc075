/** Builders of Segment-spec events for tests: only what a test sets differs from a plain valid event. */
let counter = 0;

export type TestEvent = Record<string, unknown>;

export function messageId(prefix = 'm'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

const at = (day: number, minute = 0): string =>
  new Date(Date.UTC(2026, 0, 1 + day, 12, minute)).toISOString();

export function identify(fields: TestEvent & { day?: number; minute?: number }): TestEvent {
  const { day = 0, minute = 0, ...rest } = fields;
  return { type: 'identify', messageId: messageId(), timestamp: at(day, minute), ...rest };
}

export function track(event: string, fields: TestEvent & { day?: number; minute?: number }): TestEvent {
  const { day = 0, minute = 0, ...rest } = fields;
  return { type: 'track', event, messageId: messageId(), timestamp: at(day, minute), ...rest };
}

export function page(fields: TestEvent & { day?: number; minute?: number }): TestEvent {
  const { day = 0, minute = 0, ...rest } = fields;
  return { type: 'page', name: 'Home', messageId: messageId(), timestamp: at(day, minute), ...rest };
}

export function alias(userId: string, previousId: string, day = 0): TestEvent {
  return { type: 'alias', userId, previousId, messageId: messageId(), timestamp: at(day) };
}
