import { analyze, denyAll, deploy, np, ns, ports } from './fixtures';

const sel = (ns_: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns_ } });

describe('NetworkPolicy semantics', () => {
  test('no policy: everything connects on every port', () => {
    const r = analyze([ns('a'), deploy('a', 'x'), deploy('a', 'y')]);
    expect(ports(r, 'a/x', 'a/y')).toEqual(['*']);
    expect(ports(r, '*', 'a/y')).toEqual(['*']);
  });

  test('default-deny: nothing connects, not even DNS', () => {
    const r = analyze([ns('a'), denyAll('a'), deploy('a', 'x'), deploy('a', 'y')]);
    expect(r.edges).toEqual([]);
  });

  test('empty podSelector selects every pod of the namespace; egress and ingress are both needed', () => {
    const base = [ns('a'), denyAll('a'), deploy('a', 'x'), deploy('a', 'y')];
    const egress = np('a', 'x-out', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'y' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }] });
    const ingress = np('a', 'all-in', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] });
    expect(ports(analyze([...base, egress]), 'a/x', 'a/y')).toEqual([]);
    expect(ports(analyze([...base, ingress]), 'a/x', 'a/y')).toEqual([]);
    const both = analyze([...base, egress, ingress]);
    expect(ports(both, 'a/x', 'a/y')).toEqual(['TCP/8080']);
    expect(ports(both, 'a/y', 'a/x')).toEqual([]);
  });

  test('a policy with only Ingress leaves egress open (and the other way round)', () => {
    const r = analyze([ns('a'), deploy('a', 'x'), deploy('a', 'y'), np('a', 'in-only', { podSelector: { matchLabels: { app: 'y' } }, policyTypes: ['Ingress'] })]);
    expect(ports(r, 'a/x', 'a/y')).toEqual([]);
    expect(ports(r, 'a/y', 'a/x')).toEqual(['*']);
    expect(ports(r, 'a/y', 'internet')).toEqual(['*']);
    const out = analyze([ns('a'), deploy('a', 'x'), deploy('a', 'y'), np('a', 'out-only', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Egress'] })]);
    expect(ports(out, 'a/x', 'a/y')).toEqual([]);
    expect(ports(out, 'a/y', 'a/x')).toEqual(['*']);
  });

  test('policyTypes defaults to Ingress, plus Egress when there are egress rules', () => {
    const r = analyze([ns('a'), deploy('a', 'x'), deploy('a', 'y'), np('a', 'p', { podSelector: { matchLabels: { app: 'x' } } })]);
    expect(ports(r, 'a/y', 'a/x')).toEqual([]);
    expect(ports(r, 'a/x', 'a/y')).toEqual(['*']);
  });

  test('namespaceSelector {} means every namespace, absent means the policy\'s own', () => {
    const objs = [ns('a'), ns('b'), deploy('a', 'x'), deploy('b', 'z'), deploy('a', 'y'), denyAll('a')];
    const own = analyze([...objs, np('a', 'p', { podSelector: { matchLabels: { app: 'x' } }, ingress: [{ from: [{ podSelector: {} }] }] })]);
    expect(ports(own, 'b/z', 'a/x')).toEqual([]);
    const every = analyze([...objs, np('a', 'p', { podSelector: { matchLabels: { app: 'x' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] })]);
    expect(ports(every, 'b/z', 'a/x')).toEqual(['*']);
    expect(ports(every, '*', 'a/x')).toEqual(['*']); // pods of namespaces we cannot see, too
    expect(ports(every, 'a/y', 'a/x')).toEqual([]); // a/y's own egress is denied
  });

  test('podSelector + namespaceSelector in one peer is AND, two peers are OR', () => {
    const objs = [ns('a'), ns('b', { team: 'web' }), ns('c', { team: 'web' }), deploy('a', 'x'), deploy('b', 'web'), deploy('b', 'other'), deploy('c', 'web'), denyAll('a')];
    const and = analyze([...objs, np('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: sel('b'), podSelector: { matchLabels: { app: 'web' } } }] }] })]);
    expect(ports(and, 'b/web', 'a/x')).toEqual(['*']);
    expect(ports(and, 'b/other', 'a/x')).toEqual([]);
    expect(ports(and, 'c/web', 'a/x')).toEqual([]);
    const or = analyze([...objs, np('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: sel('b') }, { podSelector: { matchLabels: { app: 'web' } } }] }] })]);
    expect(ports(or, 'b/web', 'a/x')).toEqual(['*']);
    expect(ports(or, 'b/other', 'a/x')).toEqual(['*']);
    expect(ports(or, 'c/web', 'a/x')).toEqual([]); // the podSelector-only peer is in namespace a
    const labels = analyze([...objs, np('a', 'p', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] } }] }] })]);
    expect(ports(labels, 'b/web', 'a/x')).toEqual(['*']);
    expect(ports(labels, 'c/web', 'a/x')).toEqual(['*']);
    expect(ports(labels, 'b/other', 'a/x')).toEqual([]);
  });

  test('ipBlock with except: named CIDRs and the internet', () => {
    const r = analyze([ns('a'), denyAll('a'), deploy('a', 'x'),
      np('a', 'out', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 5432 }] },
          { to: [{ ipBlock: { cidr: '10.1.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6379 }] },
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] } }], ports: [{ protocol: 'TCP', port: 443 }] },
        ],
      })]);
    // The except is exact: the /8 node is the /8 without the /16 (which is a node of its own).
    expect(ports(r, 'a/x', 'cidr 10.0.0.0/8 except 10.1.0.0/16')).toEqual(['TCP/5432']);
    expect(ports(r, 'a/x', 'cidr 10.1.0.0/16')).toEqual(['TCP/6379']);
    expect(ports(r, 'a/x', 'internet')).toEqual(['TCP/443']);
    expect(ports(r, 'a/x', 'cidr 169.254.169.254/32')).toEqual([]);
    const open = analyze([ns('a'), deploy('a', 'x'), np('a', 'out', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })]);
    expect(ports(open, 'a/x', 'cidr 169.254.169.254/32')).toEqual(['*']); // the cloud metadata endpoint
    expect(ports(open, 'a/x', 'kube-system/kube-dns')).toEqual([]); // ipBlocks do not select pods
  });

  test('named ports resolve against the target pod\'s container ports; endPort makes a range', () => {
    const objs = [ns('a'), denyAll('a'),
      deploy('a', 'x'),
      deploy('a', 'y', { ports: [{ name: 'web', containerPort: 8443, protocol: 'TCP' }, { name: 'dns', containerPort: 5353, protocol: 'UDP' }] }),
      deploy('a', 'z', { ports: [{ name: 'web', containerPort: 9443, protocol: 'TCP' }] }),
      np('a', 'x-out', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'web' }, { protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 7000, endPort: 7010 }] }] }),
      np('a', 'in', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'x' } } }] }] })];
    const r = analyze(objs);
    expect(ports(r, 'a/x', 'a/y')).toEqual(['TCP/7000-7010', 'TCP/8443', 'UDP/5353']);
    expect(ports(r, 'a/x', 'a/z')).toEqual(['TCP/7000-7010', 'TCP/9443']);
  });

  test('policies of another namespace do not apply', () => {
    const r = analyze([ns('a'), ns('b'), deploy('a', 'x'), deploy('b', 'z'), denyAll('b'),
      np('b', 'selects-app-x', { podSelector: { matchLabels: { app: 'x' } }, policyTypes: ['Ingress', 'Egress'] })]);
    expect(ports(r, 'a/x', 'a/x')).toEqual(['*']);
    expect(ports(r, 'a/x', 'internet')).toEqual(['*']);
  });

  test('namespaces without manifests are reported and their pods are not isolated', () => {
    const r = analyze([ns('a'), denyAll('a'), deploy('a', 'x'),
      np('a', 'in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: sel('monitoring'), podSelector: { matchLabels: { app: 'prometheus' } } }], ports: [{ protocol: 'TCP', port: 9090 }] }] })]);
    expect(r.unknownNamespaces).toEqual(['kube-system', 'monitoring']);
    expect(ports(r, 'monitoring/{app=prometheus}', 'a/x')).toEqual(['TCP/9090']);
    expect(r.extraPaths.map((e) => [e.from, e.to, e.ports, e.layer])).toEqual([['monitoring/{app=prometheus}', 'a/x', ['TCP/9090'], 'effective']]);
  });
});
