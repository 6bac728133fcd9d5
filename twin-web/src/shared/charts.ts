// Consumption charts (uPlot): bars per bucket, estimated or incomplete buckets drawn lighter.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Bucket { start: string; end: string; consumption: number; quality: string }

export function barChart(target: HTMLElement, buckets: Bucket[], unit: string, timeZone: string, width: number, height = 150): uPlot {
  const xs = buckets.map((b) => Date.parse(b.start) / 1000);
  const ys = buckets.map((b) => b.consumption);
  const opts: uPlot.Options = {
    width, height,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timeZone),
    legend: { show: false },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { stroke: '#4b5563', grid: { show: false } },
      { stroke: '#4b5563', size: 50, label: unit, labelSize: 14 },
    ],
    series: [
      {},
      {
        label: unit, stroke: '#1f77b4', fill: 'rgba(31,119,180,0.55)', width: 0,
        paths: uPlot.paths.bars!({ size: [0.8, 40] }), points: { show: false },
      },
    ],
  };
  return new uPlot(opts, [xs, ys], target);
}
