#!/usr/bin/env node
// Runs a command against a Neo4j: the one named by NEO4J_URI when it is set, otherwise a local Neo4j
// Community 5.26 that this script builds (Maven, first use only), starts embedded on loopback, waits for, and
// stops when the command ends.
//
//   node tools/neo4j.mjs run [--fresh] [--port N] -- <command> [args...]
//   node tools/neo4j.mjs start [--port N]        (foreground, until Ctrl-C)
//   node tools/neo4j.mjs build
//
// --fresh uses a throw-away data folder (deleted afterwards) and a free port, for tests.
// Without it, data lives in .neo4j/data (git-ignored) and the port is NEO4J_PORT or 7687.
// Settings: NEO4J_HEAP (default 1g), NEO4J_PAGECACHE_MB (default 512), NEO4J_START_TIMEOUT_S (default 180),
// NEO4J_SETTINGS (any other Neo4j settings as space-separated name=value pairs, as neo4j.conf names them; they
// win over DEFAULT_SETTINGS below).

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const launcherDir = join(root, 'tools', 'neo4j-launcher');
const targetDir = join(launcherDir, 'target');
const dataRoot = join(root, '.neo4j');

function log(message) {
  process.stderr.write(`[neo4j] ${message}\n`);
}

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  return readdirSync(path).reduce((max, name) => Math.max(max, newestMtime(join(path, name))), info.mtimeMs);
}

/** Builds the launcher when it is missing or older than its sources. */
function ensureBuilt() {
  const stamp = join(targetDir, 'lib');
  const sources = Math.max(newestMtime(join(launcherDir, 'pom.xml')), newestMtime(join(launcherDir, 'src')));
  if (
    existsSync(stamp) &&
    existsSync(join(targetDir, 'classes')) &&
    newestMtime(join(targetDir, 'classes')) >= sources
  ) {
    return;
  }
  log('building the Neo4j launcher (first run downloads Neo4j 5.26 from Maven Central)...');
  const result = spawnSync('mvn', ['-q', '-B', 'package', '-DskipTests'], {
    cwd: launcherDir,
    stdio: 'inherit',
  });
  if (result.error)
    throw new Error(`could not run mvn: ${result.error.message} (is Apache Maven installed?)`);
  if (result.status !== 0)
    throw new Error(`the Maven build of tools/neo4j-launcher failed (exit ${result.status})`);
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Settings passed unless NEO4J_SETTINGS names them. The vector index's merge factor: with Neo4j's default (50)
 * up to 49 Lucene segments of each size pile up as transactions add embeddings, and a vector query searches
 * every segment on its own, so lookalikes and recommendations slow down as profiles are written; 10 (Lucene's
 * own default) keeps a few (BENCHMARKS.md, "The vector index's segments").
 */
const DEFAULT_SETTINGS = ['internal.dbms.index.vector.standard_merge_factor=10'];

/** DEFAULT_SETTINGS and NEO4J_SETTINGS (which wins), as name=value arguments of the launcher. */
function neo4jSettings() {
  const given = (process.env.NEO4J_SETTINGS ?? '').split(/\s+/).filter(Boolean);
  const byName = new Map([...DEFAULT_SETTINGS, ...given].map((pair) => [pair.split('=')[0], pair]));
  return [...byName.values()];
}

/** Starts Neo4j and resolves once it prints its ready line; rejects if it exits or times out first. */
function startNeo4j({ home, port }) {
  mkdirSync(home, { recursive: true });
  const heap = process.env.NEO4J_HEAP ?? '1g';
  const pageCacheMb = process.env.NEO4J_PAGECACHE_MB ?? '512';
  const timeoutS = Number(process.env.NEO4J_START_TIMEOUT_S ?? '180');
  const javaHome = process.env.JAVA_HOME;
  const java = javaHome ? join(javaHome, 'bin', 'java') : 'java';
  const args = [
    `-Xmx${heap}`,
    `-Xms${heap}`,
    '-XX:+UseG1GC',
    '--add-opens=java.base/java.nio=ALL-UNNAMED',
    '--add-opens=java.base/java.io=ALL-UNNAMED',
    '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
    '--add-opens=java.base/java.lang=ALL-UNNAMED',
    '-Dio.netty.tryReflectionSetAccessible=true',
    '-cp',
    `${join(targetDir, 'classes')}:${join(targetDir, 'lib', '*')}`,
    'io.portrait.neo4j.Launcher',
    home,
    String(port),
    pageCacheMb,
    ...neo4jSettings(),
  ];
  const child = spawn(java, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const logLines = [];
  const remember = (line) => {
    logLines.push(line);
    if (logLines.length > 200) logLines.shift();
  };
  createInterface({ input: child.stderr }).on('line', remember);
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`Neo4j did not start within ${timeoutS}s:\n${logLines.join('\n')}`));
    }, timeoutS * 1000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Neo4j exited during start-up (code ${code}):\n${logLines.join('\n')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      remember(line);
      const match = /^PORTRAIT_NEO4J_READY (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolveStart({ child, uri: match[1] });
      }
    });
  });
}

/** Closes the launcher's stdin (it shuts down cleanly on EOF) and waits; kills it if it hangs. */
function stopNeo4j(child) {
  return new Promise((resolveStop) => {
    if (child.exitCode !== null) return resolveStop();
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('exit', () => {
      clearTimeout(killer);
      resolveStop();
    });
    child.stdin.end();
  });
}

function parseArgs(argv) {
  const options = { fresh: false, port: undefined, command: [] };
  const dash = argv.indexOf('--');
  const own = dash === -1 ? argv : argv.slice(0, dash);
  options.command = dash === -1 ? [] : argv.slice(dash + 1);
  for (let i = 0; i < own.length; i += 1) {
    if (own[i] === '--fresh') options.fresh = true;
    else if (own[i] === '--port') options.port = Number(own[(i += 1)]);
    else throw new Error(`unknown option ${own[i]}`);
  }
  return options;
}

function runCommand(command, env) {
  return new Promise((resolveRun) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env, shell: false });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveRun(code ?? (signal ? 1 : 0));
    });
    child.on('error', (error) => {
      log(`could not run ${command[0]}: ${error.message}`);
      resolveRun(127);
    });
  });
}

async function withLocalNeo4j(options, body) {
  ensureBuilt();
  const port = options.port ?? (options.fresh ? await freePort() : Number(process.env.NEO4J_PORT ?? 7687));
  const home = options.fresh ? join(dataRoot, `fresh-${process.pid}-${Date.now()}`) : join(dataRoot, 'data');
  log(`starting Neo4j on 127.0.0.1:${port} (data in ${home})`);
  const started = Date.now();
  const { child, uri } = await startNeo4j({ home, port });
  log(`Neo4j is ready at ${uri} after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await stopNeo4j(child);
    if (options.fresh) rmSync(home, { recursive: true, force: true });
  };
  try {
    return await body(uri, child);
  } finally {
    await stop();
  }
}

async function main() {
  const [verb, ...rest] = process.argv.slice(2);
  const options = parseArgs(rest);
  if (verb === 'build') {
    ensureBuilt();
    return 0;
  }
  if (verb === 'start') {
    return withLocalNeo4j(options, (uri, child) => {
      log(`running until Ctrl-C; connect with NEO4J_URI=${uri}`);
      return new Promise((resolveRun) => {
        process.once('SIGINT', () => resolveRun(0));
        process.once('SIGTERM', () => resolveRun(0));
        child.once('exit', (code) => resolveRun(code ?? 1));
      });
    });
  }
  if (verb === 'run') {
    if (options.command.length === 0)
      throw new Error('usage: node tools/neo4j.mjs run [--fresh] [--port N] -- <command>');
    if (process.env.NEO4J_URI) {
      log(`using the Neo4j at ${process.env.NEO4J_URI} (NEO4J_URI is set)`);
      return runCommand(options.command, process.env);
    }
    return withLocalNeo4j(options, (uri) =>
      runCommand(options.command, { ...process.env, NEO4J_URI: uri, NEO4J_USER: '', NEO4J_PASSWORD: '' }),
    );
  }
  throw new Error(`unknown verb ${verb ?? '(none)'}; use run, start or build`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
