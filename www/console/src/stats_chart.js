// The campaign statistics chart (campaign_stats.rs): uPlot, fetched the first time a
// chart is drawn, so it is in neither the console's first load nor its wasm. uPlot and its
// stylesheet are files the build copies next to console.css (scripts/lib.sh
// `build_console`): the console's CSP runs scripts and styles from its own origin only.
// uPlot sizes and places its elements through `element.style` (CSSOM), which the CSP allows.

const HEIGHT = 280;
let uplot;

function load() {
  if (!uplot) {
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = "/console/uplot.css";
    document.head.append(css);
    uplot = import("/console/uplot.js").then((module) => module.default);
    // A failed fetch is not remembered: the next chart tries again.
    uplot.catch(() => {
      uplot = undefined;
      css.remove();
    });
  }
  return uplot;
}

function width(el) {
  return Math.max(el.clientWidth, 260);
}

// `data`: { days: [seconds at the day's UTC midnight], series: [{ label, color, values, show }] }
// (from serde-wasm-bindgen); `pick(index, left)` is called when a day is clicked.
export async function drawChart(el, data, pick) {
  const uPlot = await load();
  const opts = {
    width: width(el),
    height: HEIGHT,
    // Days are the channel's calendar days, placed at UTC midnight: labelled in UTC.
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 8 } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
    axes: [
      { stroke: "#4a5263", grid: { stroke: "#eceef4" }, ticks: { stroke: "#d8dce6" } },
      {
        stroke: "#4a5263",
        grid: { stroke: "#eceef4" },
        ticks: { stroke: "#d8dce6" },
        // Counts are whole numbers.
        incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 1e6, 1e7],
      },
    ],
    series: [
      {},
      ...data.series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 2,
        show: s.show,
        points: { show: true, size: 5, fill: s.color },
      })),
    ],
  };
  const chart = new uPlot(opts, [data.days, ...data.series.map((s) => s.values)], el);
  // The day nearest the click, from where it happened (not the hover cursor, which may
  // not have caught up with the pointer yet).
  chart.over.addEventListener("click", (event) => {
    const index = chart.posToIdx(event.offsetX);
    if (index != null && index >= 0 && index < data.days.length) pick(index, dayLeft(chart, index));
  });
  const resize = new ResizeObserver(() => chart.setSize({ width: width(el), height: HEIGHT }));
  resize.observe(el);
  chart.kizunaResize = resize;
  chart.kizunaRoot = el;
  return chart;
}

export function showSeries(chart, index, show) {
  chart.setSeries(index + 1, { show });
}

// Where day `index` is drawn, in CSS pixels from the left of the element the chart is in.
export function dayLeft(chart, index) {
  const over = chart.over.getBoundingClientRect().left - chart.kizunaRoot.getBoundingClientRect().left;
  return over + chart.valToPos(chart.data[0][index], "x");
}

export function dropChart(chart) {
  chart.kizunaResize.disconnect();
  chart.destroy();
}
