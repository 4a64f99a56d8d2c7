import { Testing } from 'cdk8s';
import { buildShop } from '../../examples/shop/app';
import { Reachability } from '../../src';
import { synthAndValidate } from '../util/schema';

describe('renderers of the example shop', () => {
  const app = Testing.app();
  const charts = buildShop(app);
  Object.values(charts).forEach((c) => synthAndValidate(c));
  const r = Reachability.analyze(app);

  test('matrix', () => {
    expect(r.matrix()).toMatchSnapshot();
  });

  test('Mermaid: namespaces as subgraphs, edges labelled by port', () => {
    const mermaid = r.toMermaid();
    expect(mermaid).toMatch(/^flowchart LR\n/);
    expect(mermaid).toContain('subgraph g5["payments"]');
    expect(mermaid).toMatchSnapshot();
  });

  test('DOT: namespaces as clusters', () => {
    const dot = r.toDot();
    expect(dot).toContain('"shop/checkout" -> "payments/payments" [label="TCP/8443"];');
    expect(dot).toMatchSnapshot();
  });

  test('Markdown and JSON', () => {
    expect(r.toMarkdown()).toMatchSnapshot();
    expect(JSON.parse(JSON.stringify(r.toJson())).edges).toHaveLength(r.edges.length);
  });
});
