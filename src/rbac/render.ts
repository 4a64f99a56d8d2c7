/**
 * Renderings of the RBAC proof: a summary line, a Markdown report (undeclared power first, a table
 * per subject, then the subjects × capabilities matrix), JSON with a stable key order, and the
 * lines that name undeclared power subject by subject (the synth error, the CLI's findings).
 */
import { CapabilityGrant, CapabilityHolding, RbacProof, SubjectProof, proofCounts } from './proof';
import { ACKNOWLEDGEMENT_ANNOTATION_PREFIX } from '../audit/rule-ids';

/** `RBAC proof: 7 subjects, 2 hold dangerous capabilities (9 held), 5 undeclared.` */
export function rbacSummaryLine(p: RbacProof): string {
  const c = proofCounts(p);
  return `RBAC proof: ${c.subjects} subject${c.subjects === 1 ? '' : 's'}, ${c.holding} hold${c.holding === 1 ? 's' : ''} dangerous capabilities `
    + `(${c.held} held), ${c.undeclared} undeclared${c.undeclared > 0 ? ` (${c.undeclaredSubjects} subject${c.undeclaredSubjects === 1 ? '' : 's'})` : ''}.`;
}

/** `in shop` or `cluster-wide`. */
export function whereLabel(namespace: string | undefined): string {
  return namespace === undefined ? 'cluster-wide' : `in ${namespace === '' ? '(no namespace)' : namespace}`;
}

/** `RoleBinding "shop/x" → ClusterRole "edit" (built in; rules from ClusterRole "y")`, with the group it holds through. */
export function throughLabel(g: CapabilityGrant): string {
  const from = g.rulesFrom !== undefined ? `, rules from ${g.rulesFrom}` : '';
  const via = g.via !== undefined ? `, as member of ${g.via}` : '';
  return `${g.binding} → ${g.role}${from}${via}`;
}

/** `exec-into-pods in shop through RoleBinding "shop/x" → ClusterRole "edit" (built in) (create, get on pods/exec)`. */
export function grantSentence(capability: string, g: CapabilityGrant): string {
  return `${capability} ${whereLabel(g.namespace)} through ${throughLabel(g)} (${g.access.join('; ')})`;
}

/**
 * One line per subject with undeclared power: each undeclared capability with the grants that give
 * it, and how to fix it.
 */
export function undeclaredMessages(p: RbacProof): string[] {
  const out: string[] = [];
  for (const s of p.subjects) {
    if (s.undeclared.length === 0) continue;
    const parts: string[] = [];
    const rules = new Set<string>();
    for (const c of s.capabilities) {
      if (c.declared) continue;
      for (const g of c.grants) {
        if (g.declared) continue;
        parts.push(`${grantSentence(c.capability, g)} [${g.location}]`);
        g.ruleIds.forEach((r) => rules.add(r));
      }
    }
    const acks = [...rules].sort().map((r) => `${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}${r}`).join(', ');
    const workloads = s.workloads.length > 0 ? ` (workloads: ${s.workloads.join(', ')})` : '';
    out.push(`${s.label}${workloads} holds undeclared power: ${parts.join('; ')}. `
      + 'Fix: grant only what it needs through LeastPrivilegeServiceAccount, each dangerous grant with a reason '
      + `(grant({ ..., reason })), or acknowledge it with a reason on the binding or role (annotation ${acks}), or remove the binding`);
  }
  return out;
}

function cell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function subjectTable(s: SubjectProof): string[] {
  const out = ['| Capability | Declared | Where | Through | Access |', '|---|---|---|---|---|'];
  const rows = (c: CapabilityHolding) => c.grants.map((g) => `| ${[
    `\`${c.capability}\``,
    g.declared ? 'yes' : '**no**',
    whereLabel(g.namespace),
    throughLabel(g),
    g.access.join('; '),
  ].map(cell).join(' | ')} |`);
  // Undeclared capabilities first, each in the model's order.
  for (const c of s.capabilities) if (!c.declared) out.push(...rows(c));
  for (const c of s.capabilities) if (c.declared) out.push(...rows(c));
  return out;
}

/** Symbol of a matrix cell: `!` undeclared, `+` declared, `.` not held (cluster-admin holds every column). */
function matrixCell(s: SubjectProof, capability: string): string {
  const held = s.capabilities.find((c) => c.capability === capability);
  const admin = s.capabilities.find((c) => c.capability === 'cluster-admin');
  if (!held && !admin) return '.';
  return (held && !held.declared) || (admin && !admin.declared) ? '!' : '+';
}

/** The subjects × capabilities matrix of the subjects that hold any, over the capabilities anyone holds. */
export function renderRbacMatrix(p: RbacProof): string {
  const holders = p.subjects.filter((s) => s.capabilities.length > 0);
  if (holders.length === 0) return 'No subject holds a dangerous capability.\n';
  const anyAdmin = holders.some((s) => s.clusterAdmin);
  const held = new Set(holders.flatMap((s) => s.capabilities.map((c) => c.capability)));
  const columns = p.columns.filter((c) => anyAdmin || held.has(c.capability));
  const header = ['subject \\ capability', ...columns.map((_c, i) => `[${i + 1}]`)];
  const rows = holders.map((s) => [s.label, ...columns.map((c) => matrixCell(s, c.capability))]);
  const table = [header, ...rows];
  const widths = header.map((_h, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
  return `${[
    'Dangerous capabilities by subject. Rows: subjects; columns: capabilities.',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    '',
    ...columns.map((c, i) => `[${i + 1}] ${c.capability}: ${c.title}`),
    '',
    'Legend: "!" held and undeclared; "+" held and declared; "." not held. cluster-admin holds every capability.',
  ].join('\n')}\n`;
}

/** The Markdown report. */
export function renderRbacMarkdown(p: RbacProof): string {
  const out = ['# RBAC proof', '', rbacSummaryLine(p), ''];
  out.push('Declared: the power comes from a role or binding that carries the audit rule\'s acknowledgement '
    + `(\`${ACKNOWLEDGEMENT_ANNOTATION_PREFIX}<RULE-ID>: <reason>\`), as LeastPrivilegeServiceAccount writes it for a grant given with a reason.`, '');
  out.push('## Undeclared capabilities', '');
  const undeclared = p.subjects.filter((s) => s.undeclared.length > 0);
  out.push(...(undeclared.length > 0 ? undeclared.map((s) => `- **${cell(s.label)}**: ${s.undeclared.map((c) => `\`${c}\``).join(', ')}`) : ['None.']), '');
  out.push('## Subjects', '');
  const holders = p.subjects.filter((s) => s.capabilities.length > 0);
  if (holders.length === 0) out.push('No subject holds a dangerous capability.', '');
  for (const s of holders) {
    out.push(`### ${s.label}`, '');
    if (s.workloads.length > 0) out.push(`Workloads running as it: ${s.workloads.join(', ')}.`, '');
    out.push(...subjectTable(s), '');
  }
  const others = p.subjects.filter((s) => s.capabilities.length === 0);
  if (others.length > 0) {
    out.push('## Subjects without dangerous capabilities', '');
    out.push(...others.map((s) => `- ${s.label}${s.workloads.length > 0 ? ` (workloads: ${s.workloads.join(', ')})` : ''}`), '');
  }
  out.push('## Matrix', '', '```text', renderRbacMatrix(p).trimEnd(), '```', '');
  return out.join('\n');
}

function grantJson(g: CapabilityGrant): object {
  return {
    scope: g.namespace === undefined ? 'cluster-wide' : 'namespace',
    namespace: g.namespace ?? null,
    binding: g.binding,
    location: g.location,
    role: g.role,
    rulesFrom: g.rulesFrom ?? null,
    via: g.via ?? null,
    access: g.access,
    ruleIds: g.ruleIds,
    declared: g.declared,
  };
}

/** The proof as JSON (keys in a fixed order). */
export function rbacJson(p: RbacProof): object {
  const c = proofCounts(p);
  return {
    summary: {
      subjects: c.subjects,
      holding: c.holding,
      held: c.held,
      undeclared: c.undeclared,
      undeclaredSubjects: c.undeclaredSubjects,
      bindings: p.bindings,
    },
    capabilities: p.columns.map((col) => ({ capability: col.capability, title: col.title, ruleIds: col.ruleIds })),
    subjects: p.subjects.map((s) => ({
      kind: s.subject.kind,
      name: s.subject.name,
      namespace: s.subject.namespace ?? null,
      label: s.label,
      workloads: s.workloads,
      clusterAdmin: s.clusterAdmin,
      undeclared: s.undeclared,
      capabilities: s.capabilities.map((h) => ({
        capability: h.capability,
        title: h.title,
        ruleIds: h.ruleIds,
        declared: h.declared,
        grants: h.grants.map(grantJson),
      })),
    })),
  };
}

/** The JSON report text. */
export function renderRbacJson(p: RbacProof): string {
  return `${JSON.stringify(rbacJson(p), null, 2)}\n`;
}
