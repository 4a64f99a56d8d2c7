/**
 * Internal: text matrix, Mermaid, Graphviz DOT and Markdown renderings of a result.
 */
import type { ReachabilityEndpoint, ReachabilityResult } from './analyzer';

interface Shape {
  readonly endpoints: ReachabilityEndpoint[];
  readonly edges: ReachabilityResult['edges'];
  readonly extraPaths: ReachabilityResult['extraPaths'];
  readonly missingPaths: ReachabilityResult['missingPaths'];
  readonly unknownNamespaces: string[];
  readonly warnings: string[];
  readonly grantedButUnreachable?: ReachabilityResult['grantedButUnreachable'];
  readonly reachableButUngranted?: ReachabilityResult['reachableButUngranted'];
}

const OUTSIDE = '(outside the cluster)';
/** Beyond this many receivers the matrix is printed as a list. */
const MATRIX_MAX_COLUMNS = 40;

/** Endpoints that appear in an edge or a finding, then every workload. */
function shown(r: Shape): ReachabilityEndpoint[] {
  const ids = new Set<string>();
  for (const e of [...r.edges, ...r.extraPaths, ...r.missingPaths]) { ids.add(e.from); ids.add(e.to); }
  return r.endpoints.filter((e) => ids.has(e.id) || e.kind === 'workload');
}

function groups(endpoints: ReachabilityEndpoint[]): Map<string, ReachabilityEndpoint[]> {
  const out = new Map<string, ReachabilityEndpoint[]>();
  for (const e of endpoints) {
    // A workload without a namespace is a set of endpoints of the CLI's aggregated report.
    const g = e.namespace ?? (e.kind === 'unknown-pods' ? '(namespaces without manifests)' : e.kind === 'workload' ? '(sets of endpoints)' : OUTSIDE);
    const list = out.get(g) ?? [];
    list.push(e);
    out.set(g, list);
  }
  return new Map([...out.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function renderMatrix(r: Shape): string {
  const eps = shown(r);
  const from = new Set(r.edges.map((x) => x.from));
  const to = new Set(r.edges.map((x) => x.to));
  const senders = eps.filter((e) => from.has(e.id));
  const receivers = eps.filter((e) => to.has(e.id));
  if (receivers.length > MATRIX_MAX_COLUMNS) {
    // Too wide for a table: one line per path.
    return `${[
      `Effective reachability (NetworkPolicy and mesh authorization both allow), ${r.edges.length} paths:`,
      ...r.edges.map((e) => `${e.from} -> ${e.to}: ${e.extra ? '!' : ''}${e.ports.join(' ')}${addressesNote(e)}`),
      ...r.missingPaths.map((m) => `${m.from} -> ${m.to}: x${m.ports.join(' x')}${addressesNote(m)}`),
      '',
      'Legend: "!" some ports are not declared (extra); "x" declared but blocked (missing).',
    ].join('\n')}\n`;
  }
  const cell = new Map<string, string>();
  const folds = foldMarks(r);
  for (const e of r.edges) cell.set(`${e.from}\u0000${e.to}`, `${e.extra ? '!' : ''}${e.ports.join(' ')}${folds.mark(e)}`);
  for (const m of r.missingPaths) {
    const k = `${m.from}\u0000${m.to}`;
    cell.set(k, `${cell.get(k) ? `${cell.get(k)} ` : ''}x${m.ports.join(' x')}${folds.mark(m)}`);
  }
  const header = ['from \\ to', ...receivers.map((_e, i) => `[${i + 1}]`)];
  const rows = senders.map((s) => [s.id, ...receivers.map((d) => cell.get(`${s.id}\u0000${d.id}`) ?? '.')]);
  for (const m of r.missingPaths) {
    if (from.has(m.from)) continue;
    from.add(m.from);
    rows.push([m.from, ...receivers.map((d) => cell.get(`${m.from}\u0000${d.id}`) ?? '.')]);
  }
  const table = [header, ...rows];
  const widths = header.map((_h, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
  const out = [
    'Effective reachability (NetworkPolicy and mesh authorization both allow). Rows: from; columns: to.',
    line(header),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    '',
    ...receivers.map((d, i) => `[${i + 1}] ${d.id}${d.managed ? '' : ` (${d.kind})`}`),
    '',
    'Legend: "." no path; "!" some ports are not declared (extra); "x" declared but blocked (missing).',
    ...folds.legend,
  ];
  return `${out.join('\n')}\n`;
}

/** For a path where `internet` stands for more than its own class (see ReachabilityEdge.addresses): which addresses. */
function addressesNote(p: { addresses?: string[] }): string {
  return p.addresses ? ` (internet: ${p.addresses.join('; ')})` : '';
}

/** Matrix marks `+1`, `+2`, ... for the address sets `internet` stands for on folded paths, and their legend. */
function foldMarks(r: Shape): { mark: (p: { addresses?: string[] }) => string; legend: string[] } {
  const sets: string[] = [];
  for (const p of [...r.edges, ...r.missingPaths]) {
    const text = p.addresses?.join('; ');
    if (text !== undefined && !sets.includes(text)) sets.push(text);
  }
  return {
    mark: (p) => (p.addresses ? ` +${sets.indexOf(p.addresses.join('; ')) + 1}` : ''),
    legend: sets.map((s, i) => `"+${i + 1}" internet stands for ${s} (every address outside the cluster that the rule treats alike).`),
  };
}

function mermaidId(i: number): string {
  return `n${i}`;
}

function esc(s: string): string {
  return s.replace(/"/g, '#quot;');
}

export function renderMermaid(r: Shape): string {
  const eps = shown(r);
  const index = new Map(eps.map((e, i) => [e.id, i]));
  const lines = ['flowchart LR'];
  let g = 0;
  for (const [group, members] of groups(eps)) {
    lines.push(`  subgraph g${g++}["${esc(group)}"]`);
    for (const e of members) {
      const label = esc(e.namespace ? e.name : e.id === 'internet' ? 'internet' : e.name);
      const shape = e.kind === 'workload' ? `["${label}"]` : e.kind === 'cidr' || e.kind === 'internet' ? `(("${label}"))` : `(["${label}"])`;
      lines.push(`    ${mermaidId(index.get(e.id)!)}${shape}`);
    }
    lines.push('  end');
  }
  const styles: string[] = [];
  let link = 0;
  for (const e of r.edges) {
    const arrow = e.extra ? '==>' : e.infrastructure ? '-.->' : '-->';
    lines.push(`  ${mermaidId(index.get(e.from)!)} ${arrow}|"${esc(e.ports.join(', ') + addressesNote(e))}"| ${mermaidId(index.get(e.to)!)}`);
    if (e.extra) styles.push(`  linkStyle ${link} stroke:#d00,stroke-width:2px`);
    link++;
  }
  for (const m of r.missingPaths) {
    lines.push(`  ${mermaidId(index.get(m.from)!)} -.->|"missing: ${esc(m.ports.join(', ') + addressesNote(m))}"| ${mermaidId(index.get(m.to)!)}`);
    styles.push(`  linkStyle ${link} stroke:#e80,stroke-dasharray:4`);
    link++;
  }
  return `${[...lines, ...styles].join('\n')}\n`;
}

function q(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function renderDot(r: Shape): string {
  const eps = shown(r);
  const lines = ['digraph reachability {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];', '  edge [fontname="Helvetica", fontsize=10];'];
  let c = 0;
  for (const [group, members] of groups(eps)) {
    lines.push(`  subgraph cluster_${c++} {`, `    label=${q(group)};`);
    for (const e of members) {
      const shape = e.kind === 'workload' ? '' : e.kind === 'cidr' || e.kind === 'internet' ? ', shape=ellipse' : ', style=rounded';
      lines.push(`    ${q(e.id)} [label=${q(e.namespace ? e.name : e.name)}${shape}];`);
    }
    lines.push('  }');
  }
  for (const e of r.edges) {
    const style = e.extra ? ', color=red, penwidth=2' : e.infrastructure ? ', style=dotted, color=gray40' : '';
    lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(e.ports.join(', ') + addressesNote(e))}${style}];`);
  }
  for (const m of r.missingPaths) lines.push(`  ${q(m.from)} -> ${q(m.to)} [label=${q(`missing: ${m.ports.join(', ')}${addressesNote(m)}`)}, style=dashed, color=orange];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function renderMarkdown(r: Shape): string {
  const out = ['# Reachability', ''];
  out.push(`${r.edges.length} paths connect (${r.edges.filter((e) => e.infrastructure).length} of them infrastructure: DNS, mesh control plane); ` +
    `${r.extraPaths.length} extra (undeclared) and ${r.missingPaths.length} missing (declared but blocked).`, '');
  if (r.unknownNamespaces.length > 0) {
    out.push(`Namespaces without manifests (their pods are isolated by nothing we can see): ${r.unknownNamespaces.join(', ')}.`, '');
  }
  out.push('## Extra paths', '');
  out.push(...(r.extraPaths.length ? r.extraPaths.map((e) => `- **${e.layer}** ${e.message}`) : ['None.']), '');
  out.push('## Missing paths', '');
  out.push(...(r.missingPaths.length ? r.missingPaths.map((m) => `- ${m.message}`) : ['None.']), '');
  if ((r.grantedButUnreachable?.length ?? 0) + (r.reachableButUngranted?.length ?? 0) > 0) {
    out.push('## Kubernetes API server access', '');
    out.push(...(r.grantedButUnreachable ?? []).map((f) => `- **granted but unreachable** ${f.message}`));
    out.push(...(r.reachableButUngranted ?? []).map((f) => `- **reachable but ungranted** ${f.message}`), '');
  }
  if (r.warnings.length > 0) out.push('## Warnings', '', ...r.warnings.map((w) => `- ${w}`), '');
  out.push('## Matrix', '', '```text', renderMatrix(r).trimEnd(), '```', '');
  out.push('## Diagram', '', '```mermaid', renderMermaid(r).trimEnd(), '```', '');
  return out.join('\n');
}
