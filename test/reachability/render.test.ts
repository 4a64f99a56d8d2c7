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
    expect(mermaid).toContain('subgraph g4["payments"]');
    // The gateway's clients: one path from internet, saying which addresses it stands for.
    expect(mermaid).toMatch(/n\d+ -->\|"TCP\/80, TCP\/443 \(internet: 0\.0\.0\.0\/0 except 10\.0\.0\.10\/32, 10\.0\.1\.10\/32; ::\/0\)"\| n\d+/);
    expect(mermaid).toContain('(("api.cardprocessor.example (203.0.113.0/24)"))');
    expect(mermaid).toMatchSnapshot();
  });

  test('DOT: namespaces as clusters', () => {
    const dot = r.toDot();
    expect(dot).toContain('"shop/checkout" -> "payments/payments" [label="TCP/8443"];');
    expect(dot).toContain('"payments/payments" -> "api.cardprocessor.example (203.0.113.0/24)" [label="TCP/443"];');
    expect(dot).toContain('"internet" -> "shop-web/public-istio" [label="TCP/80, TCP/443 (internet: 0.0.0.0/0 except 10.0.0.10/32, 10.0.1.10/32; ::/0)"];');
    expect(dot).toMatchSnapshot();
  });

  test('Markdown and JSON', () => {
    expect(r.toMarkdown()).toMatchSnapshot();
    expect(JSON.parse(JSON.stringify(r.toJson())).edges).toHaveLength(r.edges.length);
  });
});
