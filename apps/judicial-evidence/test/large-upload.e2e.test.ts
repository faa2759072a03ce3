// A 1 GiB streamed upload to the judicial evidence service running as its own process: the
// digests must be those of the bytes sent, and the service's resident memory must stay far
// below the file's size (it hashes while streaming and keeps nothing). The memory numbers are
// printed for docs/benchmarks.md; the bound asserted is what tells streaming from buffering.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { TEST_PASSWORD } from '@trellis/shared/testing';
import { type EvidenceStack, startEvidenceStack } from './support/evidence-stack';

const GIB = 1024 * 1024 * 1024;
const CHUNK = 1024 * 1024;

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmRSS:\s+(\d+) kB/.exec(status);
  if (!kib) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib[1]) * 1024;
}

jest.setTimeout(300_000);

describe('a 1 GiB streamed upload', () => {
  let stack: EvidenceStack;

  beforeAll(async () => {
    stack = await startEvidenceStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('isHashedWhileStreaming_withBoundedServiceMemory', async () => {
    // warm the route (first request compiles and connects) before the baseline
    const warm = await fetch(
      `${stack.apiUrl}/api/judicial-evidence/verify?sha256=${'0'.repeat(64)}`,
    );
    expect(warm.status).toBe(200);
    // the stack's bank depositor signs in; the upload carries its session as a bearer token
    const session = await fetch(`${stack.apiUrl}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'depositor', password: TEST_PASSWORD }),
    });
    expect(session.status).toBe(201);
    const { token } = (await session.json()) as { token: string };
    const baseline = rssBytes(stack.pid);
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, rssBytes(stack.pid));
    }, 50);

    const boundary = 'trellis-large-upload-boundary';
    const head = Buffer.from(
      [
        `--${boundary}`,
        'Content-Disposition: form-data; name="type"',
        '',
        'video',
        `--${boundary}`,
        'Content-Disposition: form-data; name="title"',
        '',
        'Courtroom recording, 1 GiB',
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="recording.bin"',
        'Content-Type: application/octet-stream',
        '',
        '',
      ].join('\r\n'),
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const sha256 = createHash('sha256');
    const sm3 = createHash('sm3');
    const started = Date.now();
    const response = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        `${stack.apiUrl}/api/judicial-evidence/deposits/upload`,
        {
          method: 'POST',
          headers: {
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': head.length + GIB + tail.length,
            authorization: `Bearer ${token}`,
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(CHUNK);
      for (let i = 0; i < CHUNK; i++) chunk[i] = (i * 131 + 7) & 0xff;
      let sent = 0;
      const pump = () => {
        while (sent < GIB) {
          chunk.writeUInt32BE(sent / CHUNK, 0); // every MiB differs
          sha256.update(chunk);
          sm3.update(chunk);
          sent += CHUNK;
          if (!req.write(chunk)) {
            req.once('drain', pump);
            return;
          }
        }
        req.end(tail);
      };
      req.write(head);
      pump();
    });
    const seconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    expect(response.status).toBe(201);
    const deposit = JSON.parse(response.body) as { sha256: string; sm3: string; depositor: string };
    expect(deposit).toMatchObject({
      sha256: sha256.digest('hex'),
      sm3: sm3.digest('hex'),
      depositor: 'bank',
    });
    const growth = peak - baseline;
    process.stdout.write(
      `1 GiB upload: ${seconds.toFixed(1)} s (${(1024 / seconds).toFixed(0)} MiB/s incl. client hashing); service RSS baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, peak ${(peak / 2 ** 20).toFixed(0)} MiB, growth ${(growth / 2 ** 20).toFixed(0)} MiB\n`,
    );
    // Buffering the file would grow RSS by ≥ 1 GiB; streaming costs a few socket buffers.
    expect(growth).toBeLessThan(256 * 1024 * 1024);
  });
});
