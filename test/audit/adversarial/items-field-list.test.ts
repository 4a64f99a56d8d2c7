/**
 * Adversarial: an object of any kind with a top-level `items` array is a list for kubectl and
 * Helm. Their decoder (apimachinery `unstructuredJSONScheme.decode`) turns any document with an
 * `items` field into an UnstructuredList whatever its kind, and the builder's FlattenListVisitor
 * applies the items one by one and never the object that carried them. Items without kind and
 * apiVersion get the list's apiVersion and its kind without the `List` suffix (`decodeToList`):
 * in a `kind: Pod` they are Pods. The audit must judge the items, not the decoy around them.
 */
import { auditManifests } from '../../../src/audit/engine';
import { RuleIds } from '../../../src/audit/rule-ids';
import { expandLists, isList } from '../../../src/manifest/objects';
import { readManifestText } from '../../../src/manifest/reader';
import { run, useTempDir, writeFile } from '../../cli/util';
import { compliantPodSpec, scaffold } from '../util';

const PRIVILEGED_POD = `  spec:
    automountServiceAccountToken: false
    containers:
    - name: a
      image: registry.example.com/a:1.0.0
      securityContext: {privileged: true}
`;

/** A compliant Pod in namespace shop carrying a privileged Pod (no kind, no apiVersion) in `items`. */
const POD_CARRYING_PODS = `apiVersion: v1
kind: Pod
metadata: {name: decoy, namespace: shop}
spec:
  containers: [{name: a, image: "registry.example.com/a:1.0.0"}]
items:
- metadata: {name: evil, namespace: shop}
${PRIVILEGED_POD}`;

/** A ConfigMap carrying a privileged Pod and a cluster-admin binding. */
const CONFIGMAP_CARRYING_OBJECTS = `apiVersion: v1
kind: ConfigMap
metadata: {name: decoy, namespace: shop}
items:
- apiVersion: v1
  kind: Pod
  metadata: {name: evil, namespace: shop}
${PRIVILEGED_POD}- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRoleBinding
  metadata: {name: evil}
  roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
  subjects: [{kind: ServiceAccount, name: default, namespace: shop}]
`;

describe('an items array makes any object a list (kubectl, Helm)', () => {
  test('the reader expands it: the items are the objects, the carrier is not one', () => {
    const pods = readManifestText(POD_CARRYING_PODS, 'p.yaml');
    expect(pods.errors).toEqual([]);
    expect(pods.objects.map((o) => [o.manifest.apiVersion, o.manifest.kind, o.manifest.metadata.name, o.itemPath])).toEqual([
      ['v1', 'Pod', 'evil', [0]],
    ]);
    const cm = readManifestText(CONFIGMAP_CARRYING_OBJECTS, 'c.yaml');
    expect(cm.objects.map((o) => `${o.manifest.kind}/${o.manifest.metadata.name}`)).toEqual(['Pod/evil', 'ClusterRoleBinding/evil']);
  });

  test('JSON documents too', () => {
    const text = JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'decoy' }, items: [{ metadata: { name: 'evil' }, spec: {} }] });
    expect(readManifestText(text, 'd.json').objects.map((o) => [o.manifest.kind, o.manifest.metadata.name])).toEqual([['Deployment', 'evil']]);
  });

  test('what is not a list stays an object: no items, items not an array, no kind', () => {
    expect(isList({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { items: '[]' } })).toBe(false);
    expect(isList({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { name: 't' }, items: { a: 1 } })).toBe(false);
    expect(isList({ apiVersion: 'v1', items: [] })).toBe(false);
    // kind: List items are completed by nobody (its kind without "List" is empty).
    expect(expandLists({ apiVersion: 'v1', kind: 'List', items: [{ metadata: { name: 'x' } }] })[0].manifest).toEqual({ metadata: { name: 'x' } });
  });

  test('the audit judges the items (in-app input expands them as the CLI does)', () => {
    const carrier = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'decoy', namespace: 'shop' },
      spec: compliantPodSpec(),
      items: [{ metadata: { name: 'evil', namespace: 'shop' }, spec: { ...compliantPodSpec(), containers: [{ ...compliantPodSpec().containers[0], securityContext: { ...compliantPodSpec().containers[0].securityContext, privileged: true } }] } }],
    };
    const r = auditManifests([...scaffold(), carrier]);
    expect(r.findings.filter((f) => f.ruleId === RuleIds.PSS_PRIVILEGED).map((f) => `${f.resource?.kind}/${f.resource?.name}`)).toEqual(['Pod/evil']);
  });

  describe('CLI', () => {
    const dir = useTempDir('items-list');
    test('a privileged Pod and a cluster-admin binding inside a ConfigMap fail the audit', () => {
      writeFile(dir(), 'm.yaml', CONFIGMAP_CARRYING_OBJECTS);
      const r = run(['audit', '--no-config', '--format', 'json', 'm.yaml']);
      expect(r.code).toBe(1);
      const ids = JSON.parse(r.stdout).findings.map((f: any) => `${f.ruleId} ${f.resource.kind}/${f.resource.name}`);
      expect(ids).toEqual(expect.arrayContaining([
        'SB-PSS-PRIVILEGED Pod/evil',
        'SB-RBAC-CLUSTER-ADMIN ClusterRoleBinding/evil',
      ]));
    });

    test('a compliant Pod carrying a privileged one is judged by the one kubectl creates', () => {
      writeFile(dir(), 'm.yaml', POD_CARRYING_PODS);
      const r = run(['audit', '--no-config', '--format', 'json', 'm.yaml']);
      const objects = JSON.parse(r.stdout).findings.filter((f: any) => f.ruleId === RuleIds.PSS_PRIVILEGED).map((f: any) => f.resource.name);
      expect(objects).toEqual(['evil']);
      expect(r.code).toBe(1);
    });
  });
});
