/**
 * Internal: recognizes unrendered Helm / Go templates in a YAML document, without flagging
 * rendered content that legitimately carries `{{ }}` (PrometheusRule annotations such as
 * `{{ $labels.instance }}` or `{{ if gt $value 1.0 }}`, Argo Workflows' `{{inputs.parameters.x}}`,
 * Alertmanager templates in block scalars).
 *
 * A document is an unrendered template when:
 * - a scalar (quoted or not, block scalars too) references Helm's built-in objects inside an action
 *   (`{{ .Values.x }}`, `.Release.`, `.Chart.`, `.Capabilities.`, `.Files.`, `.Template.`);
 * - a plain (unquoted) scalar holds a `{{ ... }}` action that is not a Prometheus-style `$variable`
 *   action nor an Argo-style `{{name.path}}` reference (e.g. `name: app-{{ include "x" . }}`);
 * - a flow map starts with `{{` (how `key: {{ .Values.x }}` parses);
 * - a line outside quoted and block scalars is a bare `{{- if ... }}` / `{{ end }}` directive.
 * Documents that fail to parse and contain `{{` are reported as templates by the reader too.
 */
import { Document, Scalar, visit, YAMLMap } from 'yaml';

const HELM_BUILTIN = /\{\{[^}]*?\.(Values|Release|Chart|Capabilities|Files|Template)\b/;
const ACTION = /\{\{(.*?)\}\}/g;
const DIRECTIVE_LINE = /^[ \t]*\{\{-?\s*(if|else|end|range|with|define|template|include|block|\/\*)\b.*\}\}[ \t]*$/;

/** Whether a `{{ ... }}` action body looks like template code rather than rendered content. */
function templateAction(body: string): boolean {
  const b = body.replace(/^-/, '').replace(/-$/, '').trim();
  if (b.includes('$')) return false; // Prometheus / Alertmanager variables ($labels, $value, ...)
  if (!/\s/.test(b) && !b.startsWith('.')) return false; // Argo Workflows: {{inputs.parameters.x}}, {{item}}
  return true;
}

function plainTemplate(value: string): string | undefined {
  for (const m of value.matchAll(ACTION)) if (templateAction(m[1])) return m[0];
  return undefined;
}

/** A finding: the offset and the template text found. */
export interface TemplateFinding {
  readonly offset: number;
  readonly snippet: string;
}

/** A node of a document as the template check sees it, in document order. */
export interface TemplateNode {
  /** Offset of the node (of its first character). */
  readonly offset: number;
  /** A scalar: its value (before any type resolution), and whether it is plain. */
  readonly value?: string;
  readonly plain?: boolean;
  /** A scalar that is not plain: where it ends (its lines are not template directives). */
  readonly end?: number;
  /** A map (a flow map starting with `{{` is how `key: {{ .Values.x }}` parses). */
  readonly map?: boolean;
}

/** The first sign that a parsed document is an unrendered template, if any. */
export function findTemplate(doc: Document, text: string): TemplateFinding | undefined {
  if (!text.includes('{{')) return undefined;
  const nodes: TemplateNode[] = [];
  visit(doc, {
    Scalar(_key, node: Scalar) {
      const value = typeof node.source === 'string' ? node.source : String(node.value ?? '');
      const plain = node.type === 'PLAIN';
      nodes.push({ offset: node.range ? node.range[0] : 0, value, plain, ...(!plain && node.range ? { end: node.range[1] } : {}) });
    },
    Map(_key, node: YAMLMap) {
      if (node.range) nodes.push({ offset: node.range[0], map: true });
    },
  });
  return findTemplateIn(nodes, text);
}

/** `findTemplate` on the nodes of a document (in document order) and its text. */
export function findTemplateIn(nodes: readonly TemplateNode[], text: string): TemplateFinding | undefined {
  if (!text.includes('{{')) return undefined;
  let found: TemplateFinding | undefined;
  const scalarRanges: Array<[number, number]> = [];
  for (const node of nodes) {
    if (node.map) {
      if (!found && text.startsWith('{{', node.offset)) found = { offset: node.offset, snippet: snippetAt(text, node.offset) };
      continue;
    }
    const value = node.value ?? '';
    if (node.end !== undefined) scalarRanges.push([node.offset, node.end]);
    if (found) continue;
    const builtin = HELM_BUILTIN.exec(value);
    if (builtin) { found = { offset: node.offset, snippet: snippetAt(value, builtin.index) }; continue; }
    if (node.plain) {
      const t = plainTemplate(value);
      if (t) found = { offset: node.offset, snippet: t };
    }
  }
  if (found) return found;
  let offset = 0;
  for (const line of text.split('\n')) {
    const inScalar = scalarRanges.some(([a, b]) => offset >= a && offset < b);
    if (!inScalar && DIRECTIVE_LINE.test(line)) return { offset: offset + line.search(/\S/), snippet: line.trim() };
    offset += line.length + 1;
  }
  return undefined;
}

function snippetAt(s: string, i: number): string {
  const end = s.indexOf('}}', i);
  return (end >= 0 && end - i < 80 ? s.slice(i, end + 2) : s.slice(i, i + 40)).replace(/\s+/g, ' ');
}

/** The message for a template finding. */
export function templateMessage(snippet: string): string {
  return `looks like an unrendered Helm/Go template (${snippet}); render it first (e.g. \`helm template RELEASE CHART -f values.yaml > rendered.yaml\`) and read the rendered output`;
}
