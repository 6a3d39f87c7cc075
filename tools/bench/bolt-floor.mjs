// The database's own round trip, for reading a query's latency against it: `RETURN 1` over a bare Bolt 5
// connection (this file's few lines of the protocol, no driver), which is what Neo4j and the machine cost,
// and the same statement through neo4j-driver as Portrait's reads run it (a session per statement,
// auto-commit), which adds the driver's work and its garbage. Used by recommend.mjs.

import net from 'node:net';

/** A PackStream string (short forms only: the few strings sent here are under 256 bytes). */
function packString(text) {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 255) throw new Error('string too long for this client');
  return bytes.length < 16
    ? Buffer.concat([Buffer.from([0x80 + bytes.length]), bytes])
    : Buffer.concat([Buffer.from([0xd0, bytes.length]), bytes]);
}

/** A PackStream map of strings, small integers (-16..127) and maps. */
function packMap(map) {
  const entries = Object.entries(map);
  const parts = [Buffer.from([0xa0 + entries.length])];
  for (const [key, value] of entries) {
    parts.push(packString(key));
    if (typeof value === 'string') parts.push(packString(value));
    else if (typeof value === 'number') parts.push(Buffer.from([value & 0xff]));
    else parts.push(packMap(value));
  }
  return Buffer.concat(parts);
}

/** One Bolt message in one chunk, with its end marker. */
function message(signature, ...fields) {
  const body = Buffer.concat([Buffer.from([0xb0 + fields.length, signature]), ...fields]);
  const header = Buffer.alloc(2);
  header.writeUInt16BE(body.length);
  return Buffer.concat([header, body, Buffer.from([0, 0])]);
}

const HELLO = 0x01;
const LOGON = 0x6a;
const RUN = 0x10;
const PULL = 0x3f;
const SUCCESS = 0x70;

/**
 * Opens a Bolt 5 connection to host:port (authentication `none` without a user, `basic` with one) and
 * resolves to `{ roundTrip(), close() }`: roundTrip() sends RUN `RETURN 1` and PULL in one write and resolves
 * once the server's three answers are in.
 */
export async function openBareBolt({ host, port, user = '', password = '' }) {
  const socket = net.connect(port, host);
  socket.setNoDelay(true);
  let buffer = Buffer.alloc(0);
  let waiting = null; // { left, resolve, reject, failed }
  const fail = (error) => {
    if (waiting) waiting.reject(error);
    waiting = null;
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the Bolt connection closed')));
  const expect = (answers) =>
    new Promise((resolve, reject) => {
      waiting = { left: answers, resolve, reject, failed: false };
    });
  let handshaken = false;
  socket.on('data', (data) => {
    buffer = buffer.length === 0 ? data : Buffer.concat([buffer, data]);
    if (!handshaken) {
      if (buffer.length < 4) return;
      const major = buffer[3];
      buffer = buffer.subarray(4);
      handshaken = true;
      if (major !== 5) return fail(new Error(`the server offered Bolt ${major}, not 5`));
      waiting?.resolve();
      waiting = null;
      return;
    }
    // Whole messages only: chunks up to the empty end chunk.
    let at = 0;
    let start = 0;
    while (at + 2 <= buffer.length) {
      const size = buffer.readUInt16BE(at);
      if (at + 2 + size > buffer.length) break;
      if (size === 0) {
        const signature = buffer[start + 3];
        if (waiting && signature !== SUCCESS && signature !== 0x71) waiting.failed = true;
        if (waiting && (waiting.left -= 1) === 0) {
          const done = waiting;
          waiting = null;
          if (done.failed) done.reject(new Error('the server answered with a failure'));
          else done.resolve();
        }
        start = at + 2;
      }
      at += 2 + size;
    }
    buffer = buffer.subarray(start);
  });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const handshake = expect(1);
  socket.write(Buffer.from([0x60, 0x60, 0xb0, 0x17, 0, 0, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  await handshake;
  const auth = user ? { scheme: 'basic', principal: user, credentials: password } : { scheme: 'none' };
  const ready = expect(2);
  socket.write(
    Buffer.concat([
      message(
        HELLO,
        packMap({ user_agent: 'portrait-bench/1', bolt_agent: { product: 'portrait-bench/1' } }),
      ),
      message(LOGON, packMap(auth)),
    ]),
  );
  await ready;
  const request = Buffer.concat([
    message(RUN, packString('RETURN 1'), packMap({}), packMap({})),
    message(PULL, packMap({ n: -1 })),
  ]);
  return {
    roundTrip() {
      const answered = expect(3); // SUCCESS of RUN, the RECORD, SUCCESS of PULL
      socket.write(request);
      return answered;
    },
    close() {
      socket.end();
    },
  };
}
