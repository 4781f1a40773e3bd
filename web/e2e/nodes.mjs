// Real liaison nodes for the end-to-end tests: each in its own temporary
// directory, made with the same commands an administrator types (init,
// import, user add, user totp, partner export/add, agreement set) and served
// by `liaison serve --web-root` on a free loopback port.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
export const liaisonBinary = process.env.LIAISON_BINARY ?? join(repoRoot, 'build', 'src', 'liaison');
export const webRoot = process.env.LIAISON_WEB_ROOT ?? join(repoRoot, 'web', 'dist');
export const screenshotDir = process.env.LIAISON_SCREENSHOTS ?? join(repoRoot, 'build', 'e2e-screenshots');
export const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Runs a liaison command to completion; throws with its output when it fails. */
export function liaison(args, input) {
  const r = spawnSync(liaisonBinary, args, { input: input ?? '', encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) {
    throw new Error(`liaison ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  }
  return r.stdout;
}

export async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

// RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as authenticator apps compute it.
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  const out = [];
  for (const c of text.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(c);
    if (i < 0) throw new Error(`not base32: ${c}`);
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export function totp(secret, stepOffset = 0, nowMs = Date.now()) {
  const step = Math.floor(nowMs / 30_000) + stepOffset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(code).padStart(6, '0');
}

export class Node {
  constructor(name, agency, country) {
    this.name = name;
    this.root = mkdtempSync(join(tmpdir(), `liaison-e2e-${name}-`));
    this.dir = join(this.root, 'node');
    const out = liaison(['init', '--data', this.dir, '--agency', agency, '--country', country]);
    this.id = /created node (node_[0-9A-Z]{26})/.exec(out)?.[1];
    if (!this.id) throw new Error(`no node id in: ${out}`);
    this.stderr = '';
  }

  importPersons(csvPath) {
    liaison(['import', 'persons', csvPath, '--data', this.dir, '--purpose', 'end-to-end test data']);
  }

  /** Adds a user; with totp: true, enrols a second factor and returns its secret. */
  addUser({ username, name, role, clearance = 'H3', password, totp: withTotp = false }) {
    liaison(['user', 'add', '--data', this.dir, '--username', username, '--name', name, '--role', role, '--clearance', clearance, '--password-stdin'], `${password}\n`);
    if (!withTotp) return null;
    const out = liaison(['user', 'totp', '--data', this.dir, username]);
    const secret = /secret: ([A-Z2-7]+)/.exec(out)?.[1];
    if (!secret) throw new Error(`no secret in: ${out}`);
    return secret;
  }

  async start({ partners = false } = {}) {
    const args = ['serve', '--data', this.dir, '--listen', '127.0.0.1:0', '--web-root', webRoot];
    if (partners) args.push('--partner-listen', `127.0.0.1:${this.partnerPort}`, '--watchlist-pull-interval', '2');
    this.process = spawn(liaisonBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stderr.on('data', (d) => {
      this.stderr += d.toString();
    });
    this.url = await new Promise((ok, fail) => {
      let out = '';
      const timer = setTimeout(() => fail(new Error(`${this.name} did not start:\n${this.stderr}`)), 60_000);
      this.process.stdout.on('data', (d) => {
        out += d.toString();
        const m = /web interface on (https:\/\/[^\s]+)\//.exec(out);
        if (m) {
          clearTimeout(timer);
          ok(m[1]);
        }
      });
      this.process.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`${this.name} exited ${code}:\n${this.stderr}`));
      });
    });
    return this.url;
  }

  async stop() {
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((ok) => this.process.once('exit', ok));
      this.process.kill('SIGTERM');
      await exited;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Registers two nodes as each other's partners with agreements both ways. */
export async function pair(a, b, crimeAreas = 'narcotics,terrorism,migrant_smuggling,human_trafficking') {
  for (const n of [a, b]) {
    n.partnerPort = await freePort();
    n.bundle = join(n.root, 'bundle.json');
    liaison(['partner', 'export', '--data', n.dir, '--out', n.bundle, '--endpoint', `https://127.0.0.1:${n.partnerPort}`]);
  }
  liaison(['partner', 'add', '--data', a.dir, b.bundle, '--yes']);
  liaison(['partner', 'add', '--data', b.dir, a.bundle, '--yes']);
  liaison(['agreement', 'set', '--data', a.dir, '--partner', b.id, '--crime-areas', crimeAreas, '--max-handling-code', 'H2']);
  liaison(['agreement', 'set', '--data', b.dir, '--partner', a.id, '--crime-areas', crimeAreas, '--max-handling-code', 'H2']);
}
