// One ECharts wrapper for every chart in the app. Imports are tree-shaken (echarts/core plus only
// the chart types and components used here), and the module is only reached from the pages that
// draw charts, so the library stays out of the initial bundle. Each chart is an image to assistive
// technology, labelled with its title and a text summary of what it shows.

import { BarChart, HeatmapChart, LineChart, ScatterChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from "echarts/components";
import * as echarts from "echarts/core";
import type { EChartsCoreOption } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  MarkLineComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
  SVGRenderer,
]);

export type ChartOption = EChartsCoreOption;

export interface ChartProps {
  title: string;
  /** What the chart shows, in words (read by screen readers instead of the drawing). */
  summary: string;
  option: ChartOption;
  height?: number;
  testId?: string;
}

export function Chart({ title, summary, option, height = 260, testId }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.EChartsType | null>(null);

  useEffect(() => {
    const el = ref.current;
    if (el === null) return;
    // ECharts' built-in dark theme when the app is dark (the colours follow prefers-color-scheme).
    const dark = window.matchMedia?.("(prefers-color-scheme: dark)").matches ?? false;
    const instance = echarts.init(el, dark ? "dark" : null, { renderer: "svg" });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption({ animation: false, backgroundColor: "transparent", ...option }, { notMerge: true });
  }, [option]);

  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart-title">{title}</figcaption>
      <div ref={ref} className="chart-canvas" role="img" aria-label={`${title}. ${summary}`} style={{ height }} />
    </figure>
  );
}
