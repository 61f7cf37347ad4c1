import { describe, expect, it } from 'vitest';
import { lineChart } from './svg-chart.js';
import { unbalancedTags } from './test-utils/markup.js';

const options = {
  title: 'Loss <BCE> & friends',
  xLabel: 'epoch',
  yLabel: 'loss',
  series: [
    { name: 'train', values: [0.9, 0.4, 0.2] },
    { name: 'val <held-out>', values: [1, NaN, 0.3] },
  ],
};

describe('lineChart', () => {
  it('produces a balanced, self-contained SVG with escaped text and every series named', () => {
    const svg = lineChart(options);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(unbalancedTags(svg)).toEqual([]);
    expect(svg).toContain('Loss &lt;BCE&gt; &amp; friends');
    expect(svg).toContain('>train</text>');
    expect(svg).toContain('val &lt;held-out&gt;');
    expect(svg).not.toContain('<held-out>');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('draws nice linear ticks covering the data', () => {
    const svg = lineChart({ ...options, series: [{ name: 's', values: [1, 2, 3] }] });
    const yTicks = [...svg.matchAll(/text-anchor="end"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(yTicks).toEqual(['1', '1.5', '2', '2.5', '3']);
  });

  it('uses powers of ten on a log axis and skips non-positive values', () => {
    const svg = lineChart({ ...options, logY: true, series: [{ name: 's', values: [0.5, 0, 0.002, 1e-4, 5e-5] }] });
    const yTicks = [...svg.matchAll(/text-anchor="end"[^>]*>([^<]+)</g)].map((m) => m[1]);
    expect(yTicks).toEqual(['1e-5', '1e-4', '0.001', '0.01', '0.1', '1']);
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it('splits a line at gaps and marks isolated points', () => {
    const svg = lineChart({ ...options, series: [{ name: 's', values: [1, NaN, 2, NaN, 3, 4] }] });
    const path = /<g data-series="s">\s*<path d="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(path.match(/M/g)?.length).toBe(1); // only [3, 4] is a segment
    expect(svg.match(/<circle /g)?.length).toBe(2); // 1 and 2 stand alone
  });

  it('still draws axes with no data', () => {
    const svg = lineChart({ ...options, series: [] });
    expect(svg).toContain('no data');
    expect(unbalancedTags(svg)).toEqual([]);
  });
});
