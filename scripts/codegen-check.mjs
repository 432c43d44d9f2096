// Regenerates test/generated/ from schema.graphql and fails when the committed files differ.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = 'test/generated';
const before = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
const backup = fs.mkdtempSync(path.join(os.tmpdir(), 'codegen-'));
for (const [f, c] of before) fs.writeFileSync(path.join(backup, f), c);
execFileSync('graphql-codegen', ['--config', 'codegen.yml'], { stdio: ['ignore', 'ignore', 'inherit'] });
const after = new Map(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
const stale = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
if (stale.length) {
  // Put the committed files back so the check leaves the tree as it found it.
  for (const f of after.keys()) if (!before.has(f)) fs.rmSync(path.join(dir, f));
  for (const [f, c] of before) fs.writeFileSync(path.join(dir, f), c);
  console.error(`test/generated is stale (${stale.join(', ')}): run \`npm run codegen\` and commit the result`);
  process.exit(1);
}
console.log('test/generated is up to date');
