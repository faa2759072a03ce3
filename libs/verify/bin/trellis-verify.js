#!/usr/bin/env node
// Runs the TypeScript sources directly (docs/adr/0003-test-runner.md: swc compiles on load).
require('@swc-node/register');
require('../src/main.ts');
