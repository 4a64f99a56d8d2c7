import { Chart, Testing } from 'cdk8s';
import {
  DnsPolicy, ExternalNamespaces, LinkerdInboundPolicy, Mesh, NetworkPeer, NetworkPort, PodSecurityLevel, SecureNamespace, SecureNamespaceProps,
} from '../src';
import { synthAndValidate } from './util/schema';

function synth(props: SecureNamespaceProps, configure?: (ns: SecureNamespace) => void): any[] {
  const chart = Testing.chart();
  const ns = new SecureNamespace(chart, 'ns', props);
  configure?.(ns);
  return synthAndValidate(chart);
}

function find(objs: any[], kind: string, name: string): any {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind}/${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
}

function expectError(props: SecureNamespaceProps, message: string) {
  expect(() => new SecureNamespace(Testing.chart(), 'ns', props)).toThrow(message);
}

describe('SecureNamespace defaults', () => {
  const objs = synth({ name: 'shop' });

  test('snapshot', () => {
    expect(objs).toMatchSnapshot();
  });

  test('Namespace enforces, audits and warns Pod Security restricted at a pinned version', () => {
    const ns = find(objs, 'Namespace', 'shop');
    expect(ns.metadata.labels).toEqual({
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'v1.34',
      'pod-security.kubernetes.io/audit': 'restricted',
      'pod-security.kubernetes.io/audit-version': 'v1.34',
      'pod-security.kubernetes.io/warn': 'restricted',
      'pod-security.kubernetes.io/warn-version': 'v1.34',
    });
  });

  test('Namespace never carries metadata.namespace, even in a chart with a namespace', () => {
    const scoped = new Chart(Testing.app(), 'inner', { namespace: 'somewhere' });
    new SecureNamespace(scoped, 'ns', { name: 'shop' });
    const out = Testing.synth(scoped);
    expect(find(out, 'Namespace', 'shop').metadata.namespace).toBeUndefined();
    expect(find(out, 'NetworkPolicy', 'default-deny').metadata.namespace).toBe('shop');
  });

  test('default-deny selects every pod for ingress and egress with no rules', () => {
    expect(find(objs, 'NetworkPolicy', 'default-deny').spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('DNS egress to kube-dns on UDP and TCP 53 only', () => {
    expect(find(objs, 'NetworkPolicy', 'allow-dns').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress: [{
        to: [{
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
          podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    });
  });

  test('quota forbids LoadBalancer and NodePort Services', () => {
    const hard = find(objs, 'ResourceQuota', 'baseline-quota').spec.hard;
    expect(hard['services.loadbalancers']).toBe('0');
    expect(hard['services.nodeports']).toBe('0');
    expect(hard['requests.cpu']).toBe('8');
  });

  test('LimitRange gives containers default requests and limits', () => {
    const limit = find(objs, 'LimitRange', 'baseline-limits').spec.limits[0];
    expect(limit.type).toBe('Container');
    expect(limit.defaultRequest).toEqual({ 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '64Mi' });
    expect(limit.default).toEqual({ 'cpu': '500m', 'memory': '256Mi', 'ephemeral-storage': '1Gi' });
  });

  test('the default ServiceAccount gets no API token', () => {
    expect(find(objs, 'ServiceAccount', 'default').automountServiceAccountToken).toBe(false);
  });

  test('no mesh objects and no human RBAC without groups', () => {
    expect(objs.map((o) => o.kind).sort()).toEqual(['LimitRange', 'Namespace', 'NetworkPolicy', 'NetworkPolicy', 'ResourceQuota', 'ServiceAccount']);
  });

  test('output is byte-identical across runs', () => {
    expect(JSON.stringify(synth({ name: 'shop' }))).toEqual(JSON.stringify(objs));
  });
});

describe('SecureNamespace with Istio', () => {
  test('sidecar injection, STRICT PeerAuthentication, deny-all AuthorizationPolicy, istiod egress', () => {
    const objs = synth({ name: 'shop', mesh: Mesh.istio() });
    expect(objs).toMatchSnapshot();
    expect(find(objs, 'Namespace', 'shop').metadata.labels['istio-injection']).toBe('enabled');
    expect(find(objs, 'Namespace', 'shop').metadata.labels['istio.io/rev']).toBeUndefined();
    const pa = find(objs, 'PeerAuthentication', 'default');
    expect(pa.apiVersion).toBe('security.istio.io/v1');
    expect(pa.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const deny = find(objs, 'AuthorizationPolicy', 'deny-all');
    expect(deny.apiVersion).toBe('security.istio.io/v1');
    expect(deny.spec).toEqual({});
    expect(find(objs, 'NetworkPolicy', 'allow-mesh-data-plane').spec.egress).toEqual([{
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
        podSelector: { matchLabels: { app: 'istiod' } },
      }],
      ports: [{ protocol: 'TCP', port: 15012 }],
    }]);
  });

  test('a revision labels istio.io/rev and never istio-injection', () => {
    const labels = find(synth({ name: 'shop', mesh: Mesh.istio({ revision: '1-24' }) }), 'Namespace', 'shop').metadata.labels;
    expect(labels['istio.io/rev']).toBe('1-24');
    expect(labels['istio-injection']).toBeUndefined();
  });

  test('ambient mode labels the dataplane mode, admits probe SNAT and no istiod egress', () => {
    const objs = synth({ name: 'shop', mesh: Mesh.istio({ ambient: true }) });
    const labels = find(objs, 'Namespace', 'shop').metadata.labels;
    expect(labels['istio.io/dataplane-mode']).toBe('ambient');
    expect(labels['istio-injection']).toBeUndefined();
    expect(find(objs, 'NetworkPolicy', 'allow-mesh-data-plane').spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] }],
    });
  });

  test('custom control plane namespace', () => {
    const np = find(synth({ name: 'shop', mesh: Mesh.istio({ controlPlaneNamespace: 'istio-cp' }) }, (ns) => ExternalNamespaces.of(ns).add('istio-cp')), 'NetworkPolicy', 'allow-mesh-data-plane');
    expect(np.spec.egress[0].to[0].namespaceSelector.matchLabels['kubernetes.io/metadata.name']).toBe('istio-cp');
  });

  test('a revision with ambient is refused', () => {
    expectError({ name: 'shop', mesh: Mesh.istio({ revision: 'canary', ambient: true }) },
      'test/ns: Mesh.istio() was given both revision "canary" and ambient: true. Fix: choose one');
  });
});

describe('SecureNamespace with Linkerd', () => {
  test('injection and deny default inbound policy; identity, destination and policy egress', () => {
    const objs = synth({ name: 'shop', mesh: Mesh.linkerd() });
    expect(objs).toMatchSnapshot();
    expect(find(objs, 'Namespace', 'shop').metadata.annotations).toEqual({
      'linkerd.io/inject': 'enabled',
      'config.linkerd.io/default-inbound-policy': 'deny',
    });
    const egress = find(objs, 'NetworkPolicy', 'allow-mesh-data-plane').spec.egress;
    expect(egress.map((r: any) => [r.to[0].podSelector.matchLabels['linkerd.io/control-plane-component'], r.ports.map((p: any) => p.port)]))
      .toEqual([['identity', [8080]], ['destination', [8086, 8090]]]);
  });

  test('all-authenticated inbound policy when chosen', () => {
    const ns = find(synth({ name: 'shop', mesh: Mesh.linkerd({ defaultInboundPolicy: LinkerdInboundPolicy.ALL_AUTHENTICATED }) }), 'Namespace', 'shop');
    expect(ns.metadata.annotations['config.linkerd.io/default-inbound-policy']).toBe('all-authenticated');
  });
});

describe('SecureNamespace options', () => {
  test('a weaker Pod Security level is recorded with its reason as an acknowledgement', () => {
    const ns = find(synth({
      name: 'legacy',
      podSecurityLevel: PodSecurityLevel.BASELINE,
      podSecurityReason: 'Vendor agent needs NET_BIND_SERVICE; approved by security review SEC-1234',
    }), 'Namespace', 'legacy');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('baseline');
    expect(ns.metadata.labels['pod-security.kubernetes.io/audit']).toBe('restricted');
    expect(ns.metadata.labels['pod-security.kubernetes.io/warn']).toBe('restricted');
    expect(ns.metadata.annotations['ack.cdk8s-secure-baseline.io/SB-NS-PSS']).toBe('Vendor agent needs NET_BIND_SERVICE; approved by security review SEC-1234');
  });

  test('pinned version is configurable', () => {
    const ns = find(synth({ name: 'shop', podSecurityVersion: 'latest' }), 'Namespace', 'shop');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce-version']).toBe('latest');
  });

  test('NodeLocal DNSCache', () => {
    const np = find(synth({ name: 'shop', dns: DnsPolicy.nodeLocal() }), 'NetworkPolicy', 'allow-dns');
    expect(np.spec.egress[0].to).toEqual([
      { ipBlock: { cidr: '169.254.20.10/32' } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } },
    ]);
  });

  test('no DNS egress at all', () => {
    const objs = synth({ name: 'shop', dns: DnsPolicy.none() });
    expect(objs.find((o) => o.metadata.name === 'allow-dns')).toBeUndefined();
  });

  test('quota and limits are sized by props; exposure needs a reason that is recorded', () => {
    const objs = synth({
      name: 'edge',
      resourceQuota: { requestsCpu: '2', limitsCpu: '4', pods: 10, loadBalancers: 1, serviceExposureReason: 'Public TLS endpoint of the edge proxy, approved in ARCH-42' },
      limitRange: { defaultCpuLimit: '1', maxCpu: '2' },
    });
    const quota = find(objs, 'ResourceQuota', 'baseline-quota');
    expect(quota.spec.hard['services.loadbalancers']).toBe('1');
    expect(quota.spec.hard.pods).toBe('10');
    expect(quota.metadata.annotations['ack.cdk8s-secure-baseline.io/SB-SVC-EXPOSED']).toBe('Public TLS endpoint of the edge proxy, approved in ARCH-42');
    expect(find(objs, 'LimitRange', 'baseline-limits').spec.limits[0].default.cpu).toBe('1');
  });

  test('human access: Roles without secrets, exec, escalate, bind or impersonate, bound to OIDC groups', () => {
    const objs = synth({ name: 'shop', admins: ['platform-admins'], deployers: ['ci', 'release-bots'], viewers: ['devs'] });
    expect(objs.filter((o) => o.kind === 'Role' || o.kind === 'RoleBinding')).toMatchSnapshot();
    for (const role of objs.filter((o) => o.kind === 'Role')) {
      for (const rule of role.rules) {
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('pods/exec');
        expect(rule.resources).not.toContain('pods/attach');
        expect(rule.verbs).not.toEqual(expect.arrayContaining(['escalate']));
        expect(rule.verbs).not.toEqual(expect.arrayContaining(['bind']));
        expect(rule.verbs).not.toEqual(expect.arrayContaining(['impersonate']));
        expect(rule.verbs).not.toContain('*');
        expect(rule.resources).not.toContain('*');
      }
    }
    expect(find(objs, 'RoleBinding', 'baseline-deployer').subjects).toEqual([
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ci' },
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'release-bots' },
    ]);
    expect(find(objs, 'RoleBinding', 'baseline-viewer').roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'baseline-viewer' });
    expect(find(objs, 'Role', 'baseline-deployer').metadata.annotations['ack.cdk8s-secure-baseline.io/SB-RBAC-WORKLOAD-CREATE']).toMatch(/^Human deployers/);
  });
});

describe('SecureNamespace network helpers', () => {
  test('allowIngressFrom and allowEgressTo merge into one policy per direction', () => {
    const objs = synth({ name: 'shop' }, (ns) => {
      ns.allowIngressFrom(NetworkPeer.namespace('monitoring'), [NetworkPort.tcp(9090)]);
      ExternalNamespaces.of(ns).add('ingress');
      ns.allowIngressFrom(NetworkPeer.pods('ingress', { app: 'gateway' }), [NetworkPort.tcp(8080)]);
      ns.allowEgressTo(NetworkPeer.cidr('10.20.0.0/16'), [NetworkPort.tcp(5432)]);
    });
    expect(find(objs, 'NetworkPolicy', 'allow-ingress').spec.ingress).toEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 9090 }] },
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress' } }, podSelector: { matchLabels: { app: 'gateway' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ]);
    expect(find(objs, 'NetworkPolicy', 'allow-egress').spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 5432 }] },
    ]);
  });

  test('CIDR egress that contains the metadata or a node-local cloud identity endpoint always excepts it', () => {
    const objs = synth({ name: 'shop' }, (ns) => {
      ns.allowEgressTo(NetworkPeer.cidr('0.0.0.0/0', { except: ['10.0.0.0/8'] }), [NetworkPort.tcp(443)]);
      ns.allowEgressTo(NetworkPeer.cidr('169.254.0.0/16'), [NetworkPort.tcp(80)]);
      ns.allowEgressTo(NetworkPeer.cidr('::/0'), [NetworkPort.tcp(443)]);
    });
    expect(find(objs, 'NetworkPolicy', 'allow-egress').spec.egress.map((r: any) => r.to[0].ipBlock)).toEqual([
      { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.252/32', '169.254.169.254/32', '169.254.170.23/32'] },
      { cidr: '169.254.0.0/16', except: ['169.254.169.252/32', '169.254.169.254/32', '169.254.170.23/32'] },
      { cidr: '::/0', except: ['fd00:ec2::23/128', 'fd00:ec2::254/128'] },
    ]);
  });

  test('the metadata endpoint itself is refused', () => {
    const ns = new SecureNamespace(Testing.chart(), 'ns', { name: 'shop' });
    expect(() => ns.allowEgressTo(NetworkPeer.cidr('169.254.169.254/32'), [NetworkPort.tcp(80)]))
      .toThrow('test/ns: allowEgressTo(cidr 169.254.169.254/32) "169.254.169.254/32" is the cloud metadata endpoint. Fix: workloads must not reach the instance metadata service');
  });

  test('invalid CIDR, port out of range and no ports are refused', () => {
    const ns = new SecureNamespace(Testing.chart(), 'ns', { name: 'shop' });
    expect(() => ns.allowEgressTo(NetworkPeer.cidr('10.0.0.0/33'), [NetworkPort.tcp(443)]))
      .toThrow('test/ns: allowEgressTo(cidr 10.0.0.0/33) "10.0.0.0/33" is not a valid CIDR. Fix: write an IPv4 or IPv6 network with a prefix length');
    expect(() => ns.allowIngressFrom(NetworkPeer.namespace('monitoring'), [NetworkPort.tcp(70000)]))
      .toThrow('test/ns: allowIngressFrom(namespace monitoring) port 0 70000 is out of range. Fix: use an integer port from 1 to 65535');
    expect(() => ns.allowIngressFrom(NetworkPeer.namespace('monitoring'), []))
      .toThrow('test/ns: allowIngressFrom(namespace monitoring) names no port. Fix: list the ports to open');
    expect(() => ns.allowEgressTo(NetworkPeer.cidr('10.0.0.0/8', { except: ['192.168.0.0/16'] }), [NetworkPort.tcp(443)]))
      .toThrow('test/ns: allowEgressTo(cidr 10.0.0.0/8) except "192.168.0.0/16" is not inside "10.0.0.0/8". Fix: list only ranges inside the CIDR');
  });

  test('other spellings of the metadata endpoint are refused: IPv4-mapped IPv6, host bits set, leading zeros', () => {
    const ns = new SecureNamespace(Testing.chart(), 'ns', { name: 'shop' });
    const egress = (cidr: string) => () => ns.allowEgressTo(NetworkPeer.cidr(cidr), [NetworkPort.tcp(80)]);
    expect(egress('::ffff:a9fe:a9fe/128')).toThrow(
      'test/ns: allowEgressTo(cidr ::ffff:a9fe:a9fe/128) "::ffff:a9fe:a9fe/128" is an IPv4-mapped IPv6 range (the IPv4 range in disguise, which Kubernetes is deprecating). Fix: write the IPv4 form',
    );
    expect(egress('::ffff:169.254.169.254/128')).toThrow(/is not a valid CIDR|IPv4-mapped/);
    expect(egress('::ffff:0:0/96')).toThrow('is an IPv4-mapped IPv6 range');
    expect(egress('169.254.169.254/16')).toThrow(
      'test/ns: allowEgressTo(cidr 169.254.169.254/16) "169.254.169.254/16" has bits set after its prefix length. Fix: write the network address of the range',
    );
    expect(egress('169.254.169.0254/32')).toThrow('is not a valid CIDR');
    expect(egress('fd00:ec2:0::254/128')).toThrow('is the cloud metadata endpoint');
  });
});

describe('SecureNamespace bad input', () => {
  test.each([
    ['Shop', 'test/ns: namespace name "Shop" is not a valid DNS-1123 label. Fix: use at most 63 lowercase letters'],
    ['a'.repeat(64), `test/ns: namespace name "${'a'.repeat(64)}" is not a valid DNS-1123 label`],
    ['-shop', 'test/ns: namespace name "-shop" is not a valid DNS-1123 label'],
  ])('invalid name %s', (name, message) => expectError({ name }, message));

  test.each(['default', 'kube-system', 'kube-public', 'kube-node-lease'])('reserved name %s', (name) => {
    expectError({ name }, `test/ns: namespace name "${name}" is reserved. Fix: choose your own namespace`);
  });

  test('weaker level without a reason, or a trivial one', () => {
    expectError({ name: 'x', podSecurityLevel: PodSecurityLevel.PRIVILEGED },
      'test/ns: the reason for enforcing Pod Security level "privileged" "" is empty or trivial. Fix: explain in at least 20 characters and 3 words');
    expectError({ name: 'x', podSecurityLevel: PodSecurityLevel.BASELINE, podSecurityReason: 'todo' },
      'test/ns: the reason for enforcing Pod Security level "baseline" "todo" is empty or trivial');
  });

  test('a reason without a weaker level', () => {
    expectError({ name: 'x', podSecurityReason: 'no reason needed for restricted here' },
      'test/ns: podSecurityReason is set but podSecurityLevel is "restricted". Fix: remove podSecurityReason');
  });

  test('bad Pod Security version', () => {
    expectError({ name: 'x', podSecurityVersion: '1.30' }, 'test/ns: podSecurityVersion "1.30" is not a Pod Security Standards version. Fix: write "v1.N"');
  });

  test.each(['v1.0', 'v1.22', 'v1.33'])('a Pod Security version older than v1.34 (%s) is refused: restricted would lack later checks', (version) => {
    expectError({ name: 'x', podSecurityVersion: version },
      `test/ns: podSecurityVersion "${version}" is older than v1.34: Pod Security Admission would enforce "restricted" as that version defined it, without the checks added since (seccomp in v1.19, capabilities in v1.22, runAsUser in v1.23, host probes in v1.34). Fix: pin v1.34 or newer, or "latest"`);
  });

  test.each(['v1.34', 'v1.40', 'v1.100', 'latest'])('Pod Security version %s is accepted', (version) => {
    expect(find(synth({ name: 'shop', podSecurityVersion: version }), 'Namespace', 'shop').metadata.labels['pod-security.kubernetes.io/enforce-version']).toBe(version);
  });

  test('a quota below the LimitRange defaults', () => {
    expectError({ name: 'x', resourceQuota: { limitsMemory: '128Mi' } },
      'test/ns: resourceQuota.limitsMemory "128Mi" is below limitRange.defaultMemoryLimit "256Mi". Fix: raise resourceQuota.limitsMemory or lower limitRange.defaultMemoryLimit');
    expectError({ name: 'x', limitRange: { defaultCpuRequest: '1', defaultCpuLimit: '500m' } },
      'test/ns: limitRange.defaultCpuLimit "500m" is below limitRange.defaultCpuRequest "1"');
  });

  test('bad quantities and counts', () => {
    expectError({ name: 'x', resourceQuota: { requestsCpu: 'lots' } }, 'test/ns: requestsCpu "lots" is not a valid positive Kubernetes quantity. Fix: write a number with an optional suffix');
    expectError({ name: 'x', resourceQuota: { pods: 0 } }, 'test/ns: resourceQuota.pods 0 is not a whole number of at least 1');
  });

  test('exposure without a reason, and a reason without exposure', () => {
    expectError({ name: 'x', resourceQuota: { nodePorts: 2 } }, 'test/ns: the reason for allowing LoadBalancer or NodePort Services "" is empty or trivial');
    expectError({ name: 'x', resourceQuota: { serviceExposureReason: 'we might want a load balancer later on' } },
      'test/ns: resourceQuota.serviceExposureReason is set but no LoadBalancer or NodePort Service is allowed');
  });

  // Every system: name, from the RBAC risk model's subject rows (issue #14: system:nodes and
  // system:bootstrappers got RoleBindings that could create workloads).
  test.each([
    ['viewers', 'system:masters', 'system:masters bypasses RBAC altogether'],
    ['viewers', 'system:authenticated', 'system:authenticated holds every authenticated request'],
    ['viewers', 'system:unauthenticated', 'system:unauthenticated holds every anonymous request'],
    ['viewers', 'system:anonymous', 'system:anonymous holds every anonymous request'],
    ['viewers', 'system:serviceaccounts', 'system:serviceaccounts holds every service account of the cluster'],
    ['viewers', 'system:serviceaccounts:shop', 'system:serviceaccounts:shop holds every service account of the namespace'],
    ['admins', 'system:nodes', "system:nodes is the kubelets' identity"],
    ['deployers', 'system:bootstrappers', 'system:bootstrappers is reserved for Kubernetes components'],
    ['deployers', 'system:monitoring', 'system:monitoring is reserved for Kubernetes components'],
  ])('built-in group in %s: %s is refused', (prop, group, why) => {
    const role = prop === 'viewers' ? 'viewer' : prop === 'admins' ? 'admin' : 'deployer';
    expectError({ name: 'x', [prop]: [group] },
      `test/ns: ${role} group "${group}" is a built-in Kubernetes group: ${why}. Fix: bind a group of your identity provider (OIDC); system: groups (system:masters, system:authenticated, system:serviceaccounts*, system:nodes, ...) hold far more than the people you mean`);
  });

  test('SecureNamespace.of outside a namespace', () => {
    expect(() => SecureNamespace.of(Testing.chart())).toThrow('test: is not inside a SecureNamespace. Fix: create it with a SecureNamespace');
  });
});
