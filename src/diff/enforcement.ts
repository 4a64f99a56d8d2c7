/**
 * Internal: enforcement changes — admission policies and webhooks dropped or relaxed (Deny →
 * Warn/Audit, Fail → Ignore, fewer namespaces or validations), Pod Security admission levels of
 * namespaces, mesh membership and Istio mTLS modes (STRICT → PERMISSIVE), Linkerd default
 * inbound policies.
 */
import { ItemSpec } from './items';
import { ChangeSet, SideObject } from './side';
import { DiffCategory, DiffChange, DiffSeverity } from './types';
import { groupOf } from '../manifest/objects';

const ADMISSION = 'admissionregistration.k8s.io';
const rec = (x: any): any => (x !== null && typeof x === 'object' && !Array.isArray(x) ? x : {});
const list = (x: any): any[] => (Array.isArray(x) ? x : []);

interface Level { readonly value: string; readonly rank: number }

/** The enforcement facets of an object: name → level (higher rank = stronger). */
function facets(o: SideObject): Map<string, Level> {
  const m = o.manifest;
  const group = groupOf(m.apiVersion);
  const out = new Map<string, Level>();
  if (group === ADMISSION && m.kind === 'ValidatingAdmissionPolicyBinding') {
    const actions = list(m.spec?.validationActions).map(String).sort();
    out.set('validationActions', { value: actions.join(', ') || 'none', rank: actions.includes('Deny') ? 2 : actions.length > 0 ? 1 : 0 });
    out.set('policy', { value: 'present', rank: 1 });
    for (const e of list(rec(m.spec?.matchResources?.namespaceSelector).matchExpressions)) {
      if (e?.operator === 'In') for (const ns of list(e.values)) out.set(`namespace ${ns}`, { value: 'covered', rank: 1 });
    }
  } else if (group === ADMISSION && m.kind === 'ValidatingAdmissionPolicy') {
    out.set('policy', { value: 'present', rank: 1 });
    out.set('failurePolicy', { value: String(m.spec?.failurePolicy ?? 'Fail'), rank: (m.spec?.failurePolicy ?? 'Fail') === 'Fail' ? 1 : 0 });
    for (const v of list(m.spec?.validations)) out.set(`validation ${v?.expression}`, { value: 'checked', rank: 1 });
  } else if (group === ADMISSION && (m.kind === 'ValidatingWebhookConfiguration' || m.kind === 'MutatingWebhookConfiguration')) {
    out.set('policy', { value: 'present', rank: 1 });
    for (const w of list(m.webhooks)) out.set(`webhook ${w?.name} failurePolicy`, { value: String(w?.failurePolicy ?? 'Fail'), rank: (w?.failurePolicy ?? 'Fail') === 'Fail' ? 1 : 0 });
  } else if (group === '' && m.kind === 'Namespace') {
    const labels = rec(m.metadata?.labels);
    const psa = { restricted: 2, baseline: 1, privileged: 0 } as Record<string, number>;
    for (const mode of ['enforce', 'warn', 'audit']) {
      const v = labels[`pod-security.kubernetes.io/${mode}`];
      out.set(`Pod Security ${mode}`, { value: v ?? 'unset (privileged)', rank: psa[v] ?? 0 });
    }
    const inj = labels['istio-injection'];
    const rev = labels['istio.io/rev'];
    const ambient = labels['istio.io/dataplane-mode'];
    out.set('Istio mesh membership', { value: inj === 'enabled' ? 'sidecar injection' : ambient === 'ambient' ? 'ambient' : rev !== undefined ? `revision ${rev}` : 'none', rank: inj === 'enabled' || ambient === 'ambient' || rev !== undefined ? 1 : 0 });
    const annotations = rec(m.metadata?.annotations);
    const linkerd = annotations['config.linkerd.io/default-inbound-policy'];
    const order = ['all-unauthenticated', 'cluster-unauthenticated', 'all-authenticated', 'cluster-authenticated', 'deny'];
    if (linkerd !== undefined || annotations['linkerd.io/inject'] !== undefined) {
      out.set('Linkerd default inbound policy', { value: linkerd ?? 'unset (cluster default)', rank: Math.max(0, order.indexOf(linkerd)) });
    }
  } else if (group === 'security.istio.io' && m.kind === 'PeerAuthentication') {
    const modes: Record<string, number> = { STRICT: 2, PERMISSIVE: 1, UNSET: 1, DISABLE: 0 };
    const mode = String(m.spec?.mtls?.mode ?? 'UNSET');
    out.set('mTLS mode', { value: mode, rank: modes[mode] ?? 1 });
    for (const [port, v] of Object.entries(rec(m.spec?.portLevelMtls))) {
      const pm = String(rec(v).mode ?? 'UNSET');
      out.set(`mTLS mode of port ${port}`, { value: pm, rank: modes[pm] ?? 1 });
    }
  }
  return out;
}

function compare(label: string, b: Map<string, Level>, h: Map<string, Level>, objs: Array<SideObject | undefined>, out: ItemSpec[]): void {
  for (const name of [...new Set([...b.keys(), ...h.keys()])].sort()) {
    const x = b.get(name);
    const y = h.get(name);
    if (x?.value === y?.value) continue;
    const rx = x?.rank ?? 0;
    const ry = y?.rank ?? 0;
    if (rx === ry) continue;
    const weaker = ry < rx;
    const severe = name === 'policy' || name.startsWith('mTLS') || name === 'Pod Security enforce' || name === 'validationActions';
    out.push({
      category: DiffCategory.ENFORCEMENT,
      change: weaker ? DiffChange.ENFORCEMENT_WEAKENED : DiffChange.ENFORCEMENT_STRENGTHENED,
      severity: weaker ? (severe ? DiffSeverity.HIGH : DiffSeverity.MEDIUM) : DiffSeverity.INFO,
      weakens: weaker,
      subject: label,
      message: name === 'policy'
        ? `${label} ${y === undefined ? 'dropped' : 'added'}`
        : `${label}: ${name} ${x?.value ?? 'none'} → ${y?.value ?? 'none'}`,
      before: x?.value,
      after: y?.value,
      objects: objs,
    });
  }
}

/** Enforcement items of a change. */
export function enforcementItems(c: ChangeSet): ItemSpec[] {
  const out: ItemSpec[] = [];
  for (const { base, head } of c.changed) compare(head.label, facets(base), facets(head), [head, base], out);
  for (const b of c.removed) {
    const f = facets(b);
    if (f.size === 0) continue;
    if (f.has('policy')) {
      compare(b.label, new Map([['policy', f.get('policy')!]]), new Map(), [b], out);
    } else if (groupOf(b.manifest.apiVersion) === 'security.istio.io') {
      // Without it the namespace's (or mesh's) default applies: PERMISSIVE unless set elsewhere.
      compare(b.label, f, new Map([...f.keys()].map((k) => [k, { value: 'dropped (mesh default, PERMISSIVE unless set elsewhere)', rank: 1 }])), [b], out);
    }
  }
  for (const h of c.added) {
    const f = facets(h);
    if (f.has('policy')) {compare(h.label, new Map(), new Map([['policy', f.get('policy')!]]), [h], out);} else if (groupOf(h.manifest.apiVersion) === 'security.istio.io') {
      compare(h.label, new Map([...f.keys()].map((k) => [k, { value: 'unset', rank: 1 }])), f, [h], out);
    }
  }
  return out;
}
