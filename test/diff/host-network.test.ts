import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'yaml';
import { DiffChange, SecurityDiff } from '../../src';
import { incrementalStats } from '../../src/diff/side';

// The connectivity fixture's base: namespace apps, checkout and db, each isolated by its NetworkPolicies.
const BASE = yaml.parseAllDocuments(fs.readFileSync(path.join(__dirname, 'fixtures', 'connectivity', 'base', 'apps.yaml'), 'utf-8')).map((d) => d.toJS());

test('a workload moved to the host network escapes its NetworkPolicies: the diff shows the paths it gains (the analysis runs in full)', () => {
  const head = JSON.parse(JSON.stringify(BASE));
  const checkout = head.find((o: any) => o.kind === 'Deployment' && o.metadata.name === 'checkout');
  checkout.spec.template.spec.hostNetwork = true;
  const before = incrementalStats.reachabilityFull;
  const r = SecurityDiff.betweenManifests(BASE, head);
  expect(incrementalStats.reachabilityFull).toBe(before + 1);
  const added = r.itemsOf(DiffChange.PATH_ADDED).map((i) => i.subject);
  expect(added).toContain('apps/checkout → internet');
  expect(r.weakens).toBe(true);
});
