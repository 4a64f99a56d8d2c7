import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'yaml';
import { DiffChange, SecurityDiff } from '../../src';
import { failingItems } from '../../src/diff/cli';

// The connectivity fixture's base: a namespace, checkout and db, default-deny policies.
const BASE = yaml.parseAllDocuments(fs.readFileSync(path.join(__dirname, 'fixtures', 'connectivity', 'base', 'apps.yaml'), 'utf-8')).map((d) => d.toJS());

/** An AdminNetworkPolicy admitting every pod into namespace apps: it overrides the NetworkPolicies' deny. */
const anp = (action: string) => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha1',
  kind: 'AdminNetworkPolicy',
  metadata: { name: 'open-apps' },
  spec: {
    priority: 10,
    subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } } },
    ingress: [{ name: 'all', action, from: [{ namespaces: {} }] }],
  },
});

const calico = {
  apiVersion: 'projectcalico.org/v3',
  kind: 'GlobalNetworkPolicy',
  metadata: { name: 'allow-all' },
  spec: { selector: 'all()', types: ['Ingress'], ingress: [{ action: 'Allow' }] },
};

describe('security diff: network policies the reachability proof does not model', () => {
  test('an added AdminNetworkPolicy is a weakening connectivity item, not a clean diff, and --fail-on new-paths fails on it', () => {
    const r = SecurityDiff.betweenManifests(BASE, [...BASE, anp('Allow')]);
    const items = r.itemsOf(DiffChange.UNMODELLED_POLICY_CHANGED);
    expect(items.map((i) => [i.category, i.severity, i.weakens, i.subject, i.objects])).toEqual([
      ['connectivity', 'high', true, 'AdminNetworkPolicy open-apps', ['AdminNetworkPolicy open-apps']],
    ]);
    expect(items[0].message).toMatch(/^AdminNetworkPolicy open-apps is added: a network policy the reachability proof does not model \(AdminNetworkPolicies are evaluated before NetworkPolicies/);
    expect(items[0].message).toContain('do not show what this change opens or closes');
    expect(failingItems(r, ['new-paths'])).toContain(items[0]);
    expect(r.weakens).toBe(true);
  });

  test('changed (Deny → Allow) and removed are items too: removing a Deny opens what it closed', () => {
    const changed = SecurityDiff.betweenManifests([...BASE, anp('Deny')], [...BASE, anp('Allow')]);
    expect(changed.itemsOf(DiffChange.UNMODELLED_POLICY_CHANGED).map((i) => i.message.split(':')[0])).toEqual(['AdminNetworkPolicy open-apps is changed']);
    const removed = SecurityDiff.betweenManifests([...BASE, anp('Deny')], BASE);
    expect(removed.itemsOf(DiffChange.UNMODELLED_POLICY_CHANGED).map((i) => [i.subject, i.weakens])).toEqual([['AdminNetworkPolicy open-apps', true]]);
  });

  test('a Calico GlobalNetworkPolicy, and an unchanged one is no item', () => {
    const r = SecurityDiff.betweenManifests(BASE, [...BASE, calico]);
    expect(r.itemsOf(DiffChange.UNMODELLED_POLICY_CHANGED).map((i) => i.subject)).toEqual(['GlobalNetworkPolicy allow-all']);
    expect(SecurityDiff.betweenManifests([...BASE, calico], [calico, ...BASE]).items).toEqual([]);
  });

  test('policies the proof models (NetworkPolicy, Cilium) make no such item', () => {
    const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x', namespace: 'apps' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
    const cnp = { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name: 'y', namespace: 'apps' }, spec: { endpointSelector: {}, ingress: [{ fromEntities: ['cluster'] }] } };
    expect(SecurityDiff.betweenManifests(BASE, [...BASE, np, cnp]).itemsOf(DiffChange.UNMODELLED_POLICY_CHANGED)).toEqual([]);
  });
});
