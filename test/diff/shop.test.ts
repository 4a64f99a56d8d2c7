import * as path from 'path';
import { baseShop, riskyDiff, riskyShop } from './risky-change';
import { documentBlocks } from '../../scripts/readme-blocks';
import { DiffChange, SecurityDiff } from '../../src';

/** The example shop before and after the scripted risky change (test/diff/risky-change.ts). */
describe('the shop', () => {
  const diff = riskyDiff();

  test('unchanged: an empty diff', () => {
    const r = SecurityDiff.between(baseShop(), baseShop());
    expect(r.items).toEqual([]);
    expect(r.changedObjects).toBe(0);
    expect(r.weakens).toBe(false);
  });

  test('the risky change: a new caller, a widened grant, an exposed port, exactly', () => {
    expect(diff.items.map((i) => [i.severity, i.change, i.subject, i.ruleId ?? null])).toEqual([
      ['high', 'exposure-added', 'Service shop-web/frontend-public', null],
      ['medium', 'path-added', 'shop-web/frontend → payments/payments', null],
      ['medium', 'capability-gained', 'ServiceAccount shop/fulfillment', 'SB-RBAC-POD-EXEC'],
      ['medium', 'finding-introduced', 'NetworkPolicy shop-web/allow-ingress spec.ingress[0].from', 'SB-NET-POLICY-INTERNET'],
      ['medium', 'acknowledgement-added', 'Role shop/fulfillment rules[1]', 'SB-RBAC-POD-EXEC'],
      ['medium', 'acknowledgement-added', 'Service shop-web/frontend-public spec.type', 'SB-SVC-EXPOSED'],
    ]);
    expect(diff.itemsOf(DiffChange.PATH_ADDED)[0].constructPaths).toEqual(['payments/Namespace/payments/Deployment', 'shop-web/Namespace/frontend/Deployment']);
    expect(diff.itemsOf(DiffChange.ACKNOWLEDGEMENT_ADDED).map((i) => i.reason)).toEqual([
      'for now: the worker runs the carrier label tool in the printer pod until it gets an API',
      'for now: the partner demo needs a public endpoint until the gateway is ready',
    ]);
    expect(diff.introducedFindings.map((f) => f.ruleId)).toEqual(['SB-NET-POLICY-INTERNET', 'SB-RBAC-POD-EXEC', 'SB-SVC-EXPOSED']);
    // The head's audit passes: every new finding is acknowledged or a warning.
    expect(riskyShop().node.findAll().length).toBeGreaterThan(0);
  });

  test('docs/security-diff.md shows this diff, as rendered (the file of its shop-diff flow)', () => {
    const shown = documentBlocks(path.join(__dirname, '..', '..')).filter((b) => b.targets.some((t) => t.flow === 'shop-diff'));
    expect(shown.map((b) => [b.doc, b.lang, b.targets])).toEqual([['docs/security-diff.md', 'markdown', [{ flow: 'shop-diff', file: 'security-diff.md' }]]]);
    const rendered = `${diff.toMarkdown().replace(/\n+$/, '')}\n`;
    if (shown[0].code !== rendered) {
      throw new Error(`${shown[0].doc}:${shown[0].line}: the security diff of the shop's risky change is stale (the shop or the diff changed). `
        + 'Fix: replace the block\'s content with the output of '
        + '`npx ts-node -T -P test/tsconfig.json test/diff/risky-change.ts`');
    }
  });
});
