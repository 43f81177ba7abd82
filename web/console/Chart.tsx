import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  DoughnutController,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from "chart.js";
import { useEffect, useRef } from "react";

// Register only what the console draws, so the bundle carries only those parts of Chart.js.
Chart.register(BarController, BarElement, LineController, LineElement, PointElement, DoughnutController, ArcElement, CategoryScale, LinearScale, Tooltip, Legend);

export interface Series {
  labels: string[];
  values: number[];
}

const PALETTE = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777"];

/**
 * One Chart.js chart on a canvas. The data attributes say what was drawn (points and their total),
 * so tests and people inspecting the page need not read pixels.
 */
export function ChartCanvas({ kind, series, label, testId }: { kind: "bar" | "line" | "doughnut"; series: Series; label: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const config: ChartConfiguration<"bar" | "line" | "doughnut", number[], string> = {
      type: kind,
      data: {
        labels: series.labels,
        datasets: [
          {
            label,
            data: series.values,
            backgroundColor: kind === "doughnut" ? PALETTE : `${PALETTE[0]}cc`,
            borderColor: kind === "line" ? PALETTE[0] : undefined,
            tension: 0.25,
            fill: false,
          },
        ],
      },
      options: {
        // No animation: the chart is complete as soon as it is on screen (and in screenshots).
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: kind === "doughnut", position: "right" } },
        scales: kind === "doughnut" ? {} : { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    };
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [kind, series, label]);
  const total = series.values.reduce((sum, v) => sum + v, 0);
  return (
    <div className="chart" data-testid={testId} data-points={series.values.length} data-total={total}>
      <canvas ref={canvas} role="img" aria-label={`${label}: ${total} in total`} />
    </div>
  );
}
