/**
 * Network policies the proof does not model (AdminNetworkPolicy, BaselineAdminNetworkPolicy,
 * Calico, other *NetworkPolicy kinds): fail closed. They are listed with why, the result is never
 * clean while they are there, and the check and the CLI fail naming them.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { analyze, denyAll, deploy, ns } from './fixtures';
import { buildShop } from '../../examples/shop/app';
import { Mesh, MtlsService, ReachabilityCheck, SecureNamespace } from '../../src';
import { runReachabilityCli } from '../../src/reachability/cli';

const BASE = [ns('shop'), deploy('shop', 'payments'), denyAll('shop')];

const ANP = {
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'AdminNetworkPolicy',
  metadata: { name: 'allow-all' },
  spec: { priority: 1, subject: { namespaces: {} }, ingress: [{ name: 'all', action: 'Allow', from: [{ namespaces: {} }] }] },
};
const BANP = {
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'BaselineAdminNetworkPolicy',
  metadata: { name: 'default' },
  spec: { subject: { namespaces: {} }, egress: [{ name: 'all', action: 'Allow', to: [{ networks: ['0.0.0.0/0'] }] }] },
};
const calico = (apiVersion: string, kind: string, namespace?: string) => ({
  apiVersion,
  kind,
  metadata: { name: 'allow-world', ...(namespace ? { namespace } : {}) },
  spec: { selector: 'all()', types: ['Egress'], egress: [{ action: 'Allow', destination: { nets: ['0.0.0.0/0'] } }] },
});

const ANP_MESSAGE = 'AdminNetworkPolicy allow-all (policy.networking.k8s.io/v1alpha1) is a network policy the reachability proof does not model: '
  + 'AdminNetworkPolicies are evaluated before NetworkPolicies, by priority: their Allow rules admit traffic the NetworkPolicies deny, and Pass rules hand it back to them. '
  + 'The proof cannot vouch for the paths it allows: express them as NetworkPolicies or Cilium policies the proof reads, or remove it';

describe('unmodelled policies are reported, never skipped', () => {
  test('AdminNetworkPolicy: object, apiVersion, reason and message; also a warning and in the Markdown report', () => {
    const r = analyze([...BASE, ANP]);
    expect(r.extraPaths).toEqual([]);
    expect(r.unmodelledPolicies).toEqual([{
      object: 'AdminNetworkPolicy allow-all',
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      reason: 'AdminNetworkPolicies are evaluated before NetworkPolicies, by priority: their Allow rules admit traffic the NetworkPolicies deny, and Pass rules hand it back to them',
      message: ANP_MESSAGE,
    }]);
    expect(r.warnings).toContain(ANP_MESSAGE);
    expect(r.toJson().unmodelledPolicies).toEqual(r.unmodelledPolicies);
    expect(r.toMarkdown()).toContain(`- ${ANP_MESSAGE}`);
  });

  test.each([
    ['BaselineAdminNetworkPolicy default', BANP],
    ['ClusterNetworkPolicy c', { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'c' }, spec: {} }],
    ['NetworkPolicy shop/allow-world', calico('projectcalico.org/v3', 'NetworkPolicy', 'shop')],
    ['GlobalNetworkPolicy allow-world', calico('projectcalico.org/v3', 'GlobalNetworkPolicy')],
    ['NetworkPolicy shop/allow-world', calico('crd.projectcalico.org/v1', 'NetworkPolicy', 'shop')],
    ['GlobalNetworkPolicy allow-world', calico('crd.projectcalico.org/v1', 'GlobalNetworkPolicy')],
    ['Profile allow-world', calico('projectcalico.org/v3', 'Profile')],
    ['NetworkPolicy shop/old', { apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'old', namespace: 'shop' }, spec: { podSelector: {} } }],
    ['ClusterNetworkPolicy acnp', { apiVersion: 'crd.antrea.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'acnp' }, spec: {} }],
    ['FQDNNetworkPolicy shop/f', { apiVersion: 'networking.gke.io/v1alpha3', kind: 'FQDNNetworkPolicy', metadata: { name: 'f', namespace: 'shop' }, spec: {} }],
    ['CiliumClusterwideNetworkPolicy c', { apiVersion: 'cilium.io/v2alpha1', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'c' }, spec: {} }],
  ])('%s (%#) is unmodelled', (object, manifest: any) => {
    const r = analyze([...BASE, manifest]);
    expect(r.unmodelledPolicies.map((u) => [u.object, u.apiVersion])).toEqual([[object, manifest.apiVersion]]);
    expect(r.unmodelledPolicies[0].message).toContain('The proof cannot vouch for the paths it allows');
  });

  test('what the proof models, and Calico objects that are not enforced policies, are not listed', () => {
    const r = analyze([...BASE,
      { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'c', namespace: 'shop' }, spec: { endpointSelector: {}, egress: [{}] } },
      { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'c' }, spec: { endpointSelector: {}, ingress: [{}] } },
      calico('projectcalico.org/v3', 'StagedNetworkPolicy', 'shop'),
      calico('projectcalico.org/v3', 'StagedGlobalNetworkPolicy'),
      { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkSet', metadata: { name: 'set' }, spec: { nets: ['0.0.0.0/0'] } },
      { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name: 'security' }, spec: { order: 100 } }]);
    expect(r.unmodelledPolicies).toEqual([]);
  });
});

describe('the check and the CLI fail closed', () => {
  test('ReachabilityCheck fails the synth naming the object', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'unmodelled-')) });
    const chart = new Chart(app, 'shop');
    const shop = new SecureNamespace(chart, 'ns', { name: 'shop', mesh: Mesh.istio() });
    new MtlsService(shop, 'api', { image: 'ghcr.io/acme/api:1.0.0', port: 8080 });
    new ReachabilityCheck(app, 'reachability', { writeReports: false });
    expect(() => app.synth()).not.toThrow();
    new ApiObject(chart, 'anp', ANP);
    expect(() => app.synth()).toThrow(`reachability: ${ANP_MESSAGE}`);
  });

  describe('cdk8s-secure-baseline reachability', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'unmodelled-cli-'));
    const shopApp = new App({ outdir: dir });
    buildShop(shopApp);
    shopApp.synth();
    const run = (argv: string[]) => {
      let out = '';
      let err = '';
      const code = runReachabilityCli(argv, { out: (s) => { out += s; }, err: (s) => { err += s; } });
      return { code, out, err };
    };

    test('exits 1 and names the object, although no path is extra', () => {
      expect(run([dir]).code).toBe(0);
      fs.writeFileSync(path.join(dir, 'zz-anp.json'), JSON.stringify(ANP));
      try {
        const text = run([dir]);
        expect(text.code).toBe(1);
        expect(text.out).toContain('Extra paths (0):');
        expect(text.out).toContain(`\nPolicies the proof does not model (1): the proof cannot vouch for the paths they allow:\n  ${ANP_MESSAGE}\n`);
        expect(text.out).not.toContain('Warnings:');
        const json = run([dir, '--format', 'json']);
        expect(json.code).toBe(1);
        expect(JSON.parse(json.out).unmodelledPolicies.map((u: any) => u.object)).toEqual(['AdminNetworkPolicy allow-all']);
        const openings = run([dir, '--openings']);
        expect(openings.code).toBe(0);
        expect(openings.out).toContain(ANP_MESSAGE);
        expect(run([dir, '--openings', '--fail-on-openings']).code).toBe(1);
      } finally {
        fs.rmSync(path.join(dir, 'zz-anp.json'));
      }
    });
  });
});
