#!/usr/bin/env node
// Fails the build when a file that projen manages or the build generates (API.md, RULES.md,
// package.json, tsconfig*, ...) was out of date: the file's content after `projen build`
// must equal its content before it. Usage: generated-files.js snapshot | verify
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const stateFile = path.join(
  os.tmpdir(),
  `generated-files-${crypto.createHash('sha256').update(root).digest('hex').slice(0, 16)}.json`,
);

function trackedFiles() {
  const files = new Set(['API.md', 'RULES.md', 'package.json', 'package-lock.json', '.projen/files.json', '.projen/tasks.json', '.projen/deps.json']);
  const manifest = path.join(root, '.projen', 'files.json');
  if (fs.existsSync(manifest)) {
    for (const f of JSON.parse(fs.readFileSync(manifest, 'utf-8')).files) files.add(f);
  }
  return [...files].sort();
}

function digest() {
  const out = {};
  for (const f of trackedFiles()) {
    const p = path.join(root, f);
    out[f] = fs.existsSync(p) ? crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex') : null;
  }
  return out;
}

const cmd = process.argv[2];
if (cmd === 'snapshot') {
  fs.writeFileSync(stateFile, JSON.stringify(digest()));
} else if (cmd === 'verify') {
  if (!fs.existsSync(stateFile)) {
    console.error('generated-files: no snapshot was taken; run `npx projen ci`.');
    process.exit(2);
  }
  const before = JSON.parse(fs.readFileSync(stateFile, 'utf-8'));
  const after = digest();
  const changed = Object.keys({ ...before, ...after })
    .filter((f) => before[f] !== after[f])
    .sort();
  fs.rmSync(stateFile, { force: true });
  if (changed.length > 0) {
    console.error('These generated or projen-managed files were out of date and the build rewrote them:');
    for (const f of changed) console.error(`  - ${f}`);
    console.error('Run `npx projen build` and commit the result.');
    process.exit(1);
  }
  console.log(`generated-files: ${Object.keys(after).length} generated or projen-managed files are current.`);
} else {
  console.error('usage: generated-files.js snapshot|verify');
  process.exit(2);
}
