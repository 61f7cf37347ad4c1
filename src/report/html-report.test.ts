import { describe, expect, it } from 'vitest';
import { LatentError } from '../errors.js';
import { toBase64 } from './base64.js';
import { htmlReport } from './html-report.js';
import { lineChart } from './svg-chart.js';
import { unbalancedTags } from './test-utils/markup.js';
import { escapeXml, formatNumber } from './text.js';

const VOID = ['meta', 'img', 'br', 'link'];

describe('htmlReport', () => {
  it('builds a balanced, self-contained document with escaped text', () => {
    const svg = lineChart({ title: 'Loss', xLabel: 'epoch', yLabel: 'loss', series: [{ name: 'train', values: [1, 0.5] }] });
    const html = htmlReport({
      title: 'Report <1> & "2"',
      subtitle: 'latent train data.csv --epochs 3',
      sections: [
        { heading: 'Loss curve', svg },
        { heading: 'Notes', text: 'a < b\n\nsecond paragraph' },
        { heading: 'Reconstructions', pngBase64: toBase64(new Uint8Array([137, 80, 78, 71])), imageAlt: 'digits & reconstructions' },
        {
          heading: 'Metrics',
          table: {
            columns: ['metric', 'value <x>'],
            rows: [
              ['mse', 0.012345678],
              ['<b>', null],
              ['count', 10000],
            ],
          },
        },
      ],
    });
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(unbalancedTags(html, VOID)).toEqual([]);
    expect(html).toContain('<title>Report &lt;1&gt; &amp; &quot;2&quot;</title>');
    expect(html).toContain('<p>a &lt; b</p>');
    expect(html).toContain('<p>second paragraph</p>');
    expect(html).toContain('src="data:image/png;base64,iVBORw=="');
    expect(html).toContain('alt="digits &amp; reconstructions"');
    expect(html).toContain('<th>value &lt;x&gt;</th>');
    expect(html).toContain('<td class="num">0.01235</td>');
    expect(html).toContain('<td>&lt;b&gt;</td>');
    expect(html).toContain('<td class="num">10000</td>');
    expect(html).toContain('>train</text>');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  it('gives a wide chart its phone layout where the figure is too narrow for its text, and tables their own scroll box', () => {
    const chart = (width: number): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="100"><text>w${width}</text></svg>`;
    const html = htmlReport({
      title: 't',
      sections: [
        {
          heading: 'C',
          figures: [{ svg: chart(760), narrowSvg: chart(340) }, { svg: chart(300) }],
          table: { columns: ['a'], rows: [[1]] },
        },
      ],
    });
    // 760 × 11/12 = 696.7: below a 697-pixel figure the desktop layout's 12-pixel text would fall under 11 pixels.
    expect(html).toContain('<figure class="fit-697">\n<div class="layout-wide"><svg style="--w: 760px"');
    expect(html).toContain('<div class="layout-narrow"><svg style="--w: 340px"');
    expect(html).toContain('@container (max-width: 696.98px) { figure.fit-697 > .layout-wide { display: none; }');
    expect(html).toContain('<figure>\n<svg style="--w: 300px"');
    expect(html).toContain('<div class="table-wrap" tabindex="0" role="region" aria-labelledby="section-1-h">');
    expect(unbalancedTags(html, VOID)).toEqual([]);
  });

  it('rejects a table row of the wrong length and non-base64 images', () => {
    expect(() => htmlReport({ title: 't', sections: [{ heading: 'M', table: { columns: ['a', 'b'], rows: [['x']] } }] })).toThrow(
      /section "M": table row 1 has 1 cells, expected 2/,
    );
    expect(() => htmlReport({ title: 't', sections: [{ heading: 'P', pngBase64: '"><script>' }] })).toThrow(LatentError);
  });
});

describe('text helpers', () => {
  it('toBase64 matches Node for every padding case', () => {
    for (let n = 0; n < 12; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 97 + 13) % 256);
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    }
  });

  it('escapes and formats', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatNumber(0.000012)).toBe('1.2e-5');
    expect(formatNumber(1e-4, 3)).toBe('1e-4');
    expect(formatNumber(12345678.9)).toBe('1.235e7');
    expect(formatNumber(42)).toBe('42');
    expect(formatNumber(NaN)).toBe('NaN');
  });
});
