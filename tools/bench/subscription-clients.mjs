// The client side of the subscription benchmark, run in a worker thread by subscriptions.mjs: the graphql-ws
// subscribers and the sender of identify events. In production they are other machines; in one event loop with
// the server, parsing 100 copies of every change would queue the server's own work behind it and be measured as
// Portrait's latency. Here they still share the machine's cores, but not the server's event loop.
//
// Times are absolute (performance.timeOrigin + performance.now(), milliseconds), so that the main thread's
// commit times compare with this thread's delivery times.

import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { distribution, requireFromRoot } from './common.mjs';

const SUBSCRIPTION = `subscription ($segmentId: ID!) {
  segmentMembershipChanged(segmentId: $segmentId) { cursor change profileId }
}`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Identify events that set the benchmark's trait, with message ids `<prefix>1`, `<prefix>2`, ... (the main thread
 * creates the pool's profiles with one prefix, this thread flips them with another).
 */
export function identifyEvents(prefix) {
  let messages = 0;
  return (userId, value) => ({
    type: 'identify',
    messageId: `${prefix}${(messages += 1)}`,
    userId,
    traits: { bench_live: value },
    timestamp: new Date().toISOString(),
  });
}

/** Now, in milliseconds on a clock both threads share (each thread's performance.now() has its own origin). */
export const clock = () => performance.timeOrigin + performance.now();

async function measure({
  options,
  websocketUrl,
  batchUrl,
  segmentId,
  users,
  profileOf,
  dashboardKey,
  trackerKey,
  runId,
}) {
  const { createClient } = requireFromRoot('graphql-ws');
  const WebSocket = requireFromRoot('ws');
  const pool = users.length - 1;
  const profiles = new Map(profileOf);
  const identify = identifyEvents(`${runId}-w`);

  // Toggles sent, and the pending ones per profile and direction, in order (changes of one profile arrive in
  // log order, so the first pending toggle is the one a change answers).
  const toggles = []; // { sentAt, returnedAt, ok }
  const pending = new Map();
  const byCursor = new Map();
  const deliveries = []; // pairs: toggle index (-1: unmatched), received at
  const cursors = []; // the cursor of each delivery, for the main thread's commit times
  let received = 0;
  const onChange = ({ cursor, change, profileId }) => {
    const now = clock();
    received += 1;
    let toggle = byCursor.get(cursor);
    if (toggle === undefined) {
      toggle = pending.get(`${profileId}|${change}`)?.shift() ?? -1;
      byCursor.set(cursor, toggle);
    }
    deliveries.push(toggle, now);
    cursors.push(cursor);
  };

  const clients = [];
  const errors = [];
  let connected = 0;
  for (let i = 0; i < options.subscribers; i += 1) {
    const client = createClient({
      url: websocketUrl,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${dashboardKey}` },
      on: { connected: () => (connected += 1) },
    });
    clients.push(client);
    client.subscribe(
      { query: SUBSCRIPTION, variables: { segmentId } },
      {
        next: (message) => {
          if (message.errors) errors.push(JSON.stringify(message.errors).slice(0, 300));
          else onChange(message.data.segmentMembershipChanged);
        },
        error: (error) => errors.push(String(error?.message ?? error?.reason ?? error)),
        complete: () => {},
      },
    );
  }

  const trackerAuth = `Basic ${Buffer.from(`${trackerKey}:`).toString('base64')}`;
  const state = new Map(users.map((u) => [u, false]));
  let inFlight = 0;
  let accepted = 0;
  let failedRequests = 0;
  const requestMs = [];
  const send = async (batchUsers) => {
    const events = [];
    const mine = [];
    for (const user of batchUsers) {
      const value = !state.get(user);
      state.set(user, value);
      events.push(identify(user, value));
      const key = `${profiles.get(user)}|${value ? 'ENTERED' : 'EXITED'}`;
      const index = toggles.push({ sentAt: 0, returnedAt: null, ok: false }) - 1;
      if (!pending.has(key)) pending.set(key, []);
      pending.get(key).push(index);
      mine.push({ index, key, user, value });
    }
    inFlight += 1;
    const sentAt = clock();
    for (const t of mine) toggles[t.index].sentAt = sentAt;
    try {
      const response = await fetch(batchUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: trackerAuth },
        body: JSON.stringify({ batch: events }),
      });
      const returnedAt = clock();
      const body = await response.json().catch(() => ({}));
      requestMs.push(returnedAt - sentAt);
      if (response.status !== 200 || body.accepted !== events.length) {
        throw new Error(`${response.status} ${JSON.stringify(body).slice(0, 200)}`);
      }
      accepted += events.length;
      for (const t of mine) Object.assign(toggles[t.index], { returnedAt, ok: true });
    } catch (error) {
      failedRequests += 1;
      if (errors.length < 20) errors.push(`send: ${error?.message ?? error}`);
      // A failed request changes nothing: forget its toggles.
      for (const t of mine) {
        state.set(t.user, !t.value);
        const queue = pending.get(t.key);
        const at = queue?.indexOf(t.index) ?? -1;
        if (at !== -1) queue.splice(at, 1);
      }
    } finally {
      inFlight -= 1;
    }
  };

  try {
    for (const deadline = Date.now() + 30_000; connected < options.subscribers;) {
      if (Date.now() > deadline)
        throw new Error(`only ${connected} of ${options.subscribers} subscribers connected`);
      await sleep(50);
    }
    // A first change that every subscriber must see before the clock starts: subscriptions are live.
    await send([users[0]]);
    for (const deadline = Date.now() + 30_000; received < options.subscribers;) {
      if (Date.now() > deadline) {
        throw new Error(
          `only ${received} of ${options.subscribers} subscribers saw the first change: ${errors.slice(0, 3)}`,
        );
      }
      await sleep(20);
    }
    const reset = () => {
      toggles.length = 0;
      deliveries.length = 0;
      cursors.length = 0;
      pending.clear();
      byCursor.clear();
      requestMs.length = 0;
      accepted = 0;
      failedRequests = 0;
    };
    const perBatch = Math.max(1, Math.round((options.rate * options.interval) / 1000));
    let next = 1;
    // Steady sending: one batch every `interval` ms on a fixed schedule, never waiting for the previous one.
    const sendFor = async (seconds, stop = () => false) => {
      const started = performance.now();
      const sends = [];
      let skipped = 0;
      for (let tick = 0; ; tick += 1) {
        const due = started + tick * options.interval;
        if (due - started >= seconds * 1000 || stop()) break;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        if (inFlight >= options.maxInFlight) {
          skipped += 1;
          continue;
        }
        const batchUsers = [];
        for (let i = 0; i < perBatch; i += 1) {
          batchUsers.push(users[next]);
          next = next === pool ? 1 : next + 1;
        }
        sends.push(send(batchUsers));
      }
      await Promise.all(sends);
      return { sendingSeconds: (performance.now() - started) / 1000, skipped };
    };
    const expectedNow = () => toggles.filter((t) => t.ok).length * options.subscribers;
    const matched = () => deliveries.filter((_, i) => i % 2 === 0 && deliveries[i] !== -1).length;
    const drain = async (seconds) => {
      const expected = expectedNow();
      for (const deadline = Date.now() + seconds * 1000; matched() < expected && Date.now() < deadline;) {
        await sleep(100);
      }
      return expected;
    };
    reset();
    if (options.warmup > 0) {
      // The main thread watches Neo4j's JIT and says 'warm' when it is done (or never: then all of --warmup).
      let warm = false;
      parentPort.on('message', (message) => {
        if (message?.type === 'warm') warm = true;
      });
      parentPort.postMessage({ type: 'warming' });
      await sendFor(options.warmup, () => warm);
      await drain(options.drain);
      reset();
    }

    parentPort.postMessage({
      type: 'say',
      message: `${perBatch} events every ${options.interval} ms for ${options.duration} s`,
    });
    parentPort.postMessage({ type: 'measuring' });
    const { sendingSeconds, skipped } = await sendFor(options.duration);
    parentPort.postMessage({ type: 'sent' });
    const expected = await drain(options.drain);

    const latency = [];
    const fromSend = [];
    // The deliveries of accepted toggles, for the main thread to measure from each commit: cursor, received at.
    const delivered = { cursors: [], receivedAt: [] };
    let unmatched = 0;
    for (let i = 0; i < deliveries.length; i += 2) {
      const toggle = toggles[deliveries[i]];
      if (!toggle?.ok) {
        unmatched += 1;
        continue;
      }
      latency.push(deliveries[i + 1] - toggle.returnedAt);
      fromSend.push(deliveries[i + 1] - toggle.sentAt);
      delivered.cursors.push(cursors[i / 2]);
      delivered.receivedAt.push(deliveries[i + 1]);
    }
    return {
      result: {
        subscribers: options.subscribers,
        eventsSent: toggles.length,
        eventsAccepted: accepted,
        eventsPerSecond: Math.round(accepted / sendingSeconds),
        targetEventsPerSecond: options.rate,
        skippedTicks: skipped,
        failedRequests,
        requestMs: distribution(requestMs),
        deliveriesExpected: expected,
        deliveries: latency.length,
        missing: expected - latency.length,
        unmatched,
        latencyMs: distribution(latency),
        fromSendMs: distribution(fromSend),
        errors: errors.slice(0, 10),
      },
      delivered,
    };
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
  }
}

// Imported by the main thread for identifyEvents; measures only as the worker.
if (!isMainThread)
  measure(workerData).then(
    (outcome) => parentPort.postMessage({ type: 'done', ...outcome }),
    (error) => parentPort.postMessage({ type: 'failed', message: String(error?.stack ?? error) }),
  );
