/** A self-contained HTML page with one SVG line chart per series group (no scripts, no network). */
export function lossCurvesHtml(title: string, steps: number[], series: Record<string, Array<number | null>>): string {
  const w = 720;
  const h = 260;
  const pad = 40;
  const palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  const names = Object.keys(series);
  const values = names.flatMap((n) => series[n]!.filter((v): v is number => v !== null && Number.isFinite(v)));
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const x0 = steps[0] ?? 0;
  const x1 = steps[steps.length - 1] ?? 1;
  const sx = (s: number): number => pad + ((s - x0) / Math.max(1, x1 - x0)) * (w - 2 * pad);
  const sy = (v: number): number => h - pad - ((v - lo) / Math.max(1e-12, hi - lo)) * (h - 2 * pad);
  const lines = names.map((n, i) => {
    const pts = steps.map((s, j) => [s, series[n]![j]] as const).filter((p): p is readonly [number, number] => p[1] !== null && p[1] !== undefined && Number.isFinite(p[1]));
    const d = pts.map(([s, v], j) => `${j === 0 ? 'M' : 'L'}${sx(s).toFixed(1)},${sy(v).toFixed(1)}`).join(' ');
    return `<path d="${d}" fill="none" stroke="${palette[i % palette.length]}" stroke-width="1.5"/><text x="${w - pad - 150}" y="${pad + 14 * i}" fill="${palette[i % palette.length]}" font-size="12">${escape(n)}</text>`;
  });
  const axis = `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#888"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#888"/>
<text x="${pad}" y="${h - 10}" font-size="11">step ${x0}</text><text x="${w - pad - 60}" y="${h - 10}" font-size="11">step ${x1}</text>
<text x="2" y="${pad}" font-size="11">${hi.toPrecision(3)}</text><text x="2" y="${h - pad}" font-size="11">${lo.toPrecision(3)}</text>`;
  return `<!doctype html><meta charset="utf-8"><title>${escape(title)}</title><h3 style="font-family:sans-serif">${escape(title)}</h3>
<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" style="font-family:sans-serif">${axis}${lines.join('')}</svg>\n`;
}

function escape(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}
