#!/usr/bin/env node
// Adds lockfile entries for platform-specific optional dependencies that the registry mirror of
// our build machines does not serve (e.g. @swc/core-darwin-arm64): npm then writes no entry for
// them, and `npm ci` refuses the lockfile as "out of sync". Each added entry carries the
// package's version and its platform (os / cpu / libc, read from its name), so npm skips it
// on other platforms and installs it by name@version where it applies.
// Run after `npm install` changes package-lock.json: `node tools/lockfile/complete-optional.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OS = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony', 'sunos', 'aix'];
const CPU = ['arm64', 'x64', 'ia32', 'arm', 'ppc64', 's390x', 'riscv64', 'loong64', 'wasm32'];

/** os, cpu and libc of a platform package, from its name (`@swc/core-linux-x64-musl`). */
export function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((p) => OS.includes(p));
  const cpu = parts.find((p) => CPU.includes(p) || p === 'arm' || p === 'armv7');
  if (!os || !cpu) return undefined;
  const libc = parts.some((p) => p.startsWith('musl'))
    ? 'musl'
    : os === 'linux' && parts.some((p) => p.startsWith('gnu'))
      ? 'glibc'
      : undefined;
  return { os: [os], cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

/** The lockfile entry Node would load `dep` from, seen from `location` (node_modules lookup). */
function resolve(lock, location, dep) {
  for (let dir = location; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
    const entry = lock.packages[`${dir}${dir ? '/' : ''}node_modules/${dep}`];
    if (entry) return entry;
    if (dir === '') return undefined;
  }
}

function main() {
  const path = join(process.cwd(), 'package-lock.json');
  const lock = JSON.parse(readFileSync(path, 'utf8'));
  const added = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    for (const [dep, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const exact = /^\d+\.\d+\.\d+(-[\w.]+)?$/.test(version);
      const found = resolve(lock, location, dep);
      // Platform packages are pinned exactly; a range that is present was satisfied by npm.
      if (found && (!exact || found.version === version)) continue;
      const platform = platformOf(dep);
      if (!platform || !exact) {
        throw new Error(`cannot complete ${dep}@${version} (needed by ${location || 'the root'})`);
      }
      // Hoisted when nothing else holds that name, else next to its dependent.
      const at = lock.packages[`node_modules/${dep}`]
        ? `${location}/node_modules/${dep}`
        : `node_modules/${dep}`;
      lock.packages[at] = { version, optional: true, ...platform };
      added.push(`${dep}@${version}`);
    }
  }
  lock.packages = Object.fromEntries(
    Object.entries(lock.packages).sort(([a], [b]) =>
      a === '' ? -1 : b === '' ? 1 : a.localeCompare(b),
    ),
  );
  writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
  process.stdout.write(
    `added ${added.length} platform entries${added.length ? `: ${added.join(', ')}` : ''}\n`,
  );
}

main();
