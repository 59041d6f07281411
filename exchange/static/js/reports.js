// The dashboards' charts: the page holds a placeholder per chart
// (<div class="report-chart" data-chart="KEY">) and one element whose data-src is the
// dashboard's data.json; this fetches it once and draws each chart with the app's own
// plotly.js: a Sankey diagram for "sankey", bars otherwise. Every chart's numbers are in
// the table under it, so a chart that cannot be drawn says so and the page stays whole.
"use strict";

(() => {
  const source = document.querySelector("[data-src]");
  const placeholders = Array.from(document.querySelectorAll(".report-chart[data-chart]"));
  if (!source || placeholders.length === 0) return;

  // No logo, no link to plotly's cloud ("Share chart"), and no "download as PNG": that
  // draws through a blob: image, which the CSP refuses.
  const CONFIG = {
    responsive: true,
    displaylogo: false,
    showSendToCloud: false,
    plotlyServerURL: "",
    showTips: false,
    modeBarButtonsToRemove: ["toImage", "sendChartToCloud", "select2d", "lasso2d"],
  };
  // Pairs of a strong and a light colour: this season and the previous one, a CA late and
  // overdue, capacity and accepted students.
  const COLOURS = [
    "#0d6efd", "#9ec5fe", "#fd7e14", "#fecba1",
    "#198754", "#a3cfbb", "#6f42c1", "#c5b3e6",
  ];
  const ROW_HEIGHT = 26; // pixels a bar of a horizontal chart takes

  function baseLayout() {
    return {
      autosize: true,
      colorway: COLOURS,
      font: { family: getComputedStyle(document.body).fontFamily, size: 12 },
      margin: { l: 8, r: 8, t: 8, b: 8, pad: 4 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
    };
  }

  function sankey(chart) {
    const nodes = chart.labels.length;
    const trace = {
      type: "sankey",
      orientation: "h",
      arrangement: "snap",
      valueformat: ",d",
      node: { label: chart.labels, pad: 12, thickness: 14, color: "#0d6efd" },
      link: {
        source: chart.source,
        target: chart.target,
        value: chart.value,
        color: "rgba(13, 110, 253, 0.25)",
      },
    };
    const layout = baseLayout();
    // About 34 px a node on the taller side: a few flows draw small, many stay legible.
    layout.height = Math.min(720, Math.max(240, Math.ceil(nodes / 2) * 34));
    return [[trace], layout];
  }

  // A funnel chart of an NMO's or an LC's dashboard shows one side: the series whose
  // names start with "Outgoing, " or "Incoming, ", named by their season alone.
  function seriesOf(chart, side) {
    if (!side) return chart.series;
    const prefix = `${side}, `;
    return chart.series
      .filter((series) => series.name.startsWith(prefix))
      .map((series) => ({ name: series.name.slice(prefix.length), values: series.values }));
  }

  function bar(chart, side) {
    const horizontal = chart.horizontal;
    const traces = seriesOf(chart, side).map((series) => ({
      type: "bar",
      name: series.name,
      orientation: horizontal ? "h" : "v",
      x: horizontal ? series.values : chart.categories,
      y: horizontal ? chart.categories : series.values,
      hovertemplate: horizontal
        ? `%{y}: %{x:,d}<extra>${series.name}</extra>`
        : `%{x}: %{y:,d}<extra>${series.name}</extra>`,
    }));
    const layout = baseLayout();
    layout.barmode = chart.stacked ? "stack" : "group";
    layout.showlegend = traces.length > 1;
    // Above the bars, in the series' order (plotly reverses stacked ones by default).
    layout.legend = { orientation: "h", x: 0, y: 1, yanchor: "bottom", traceorder: "normal" };
    const counts = { rangemode: "tozero", tickformat: ",d", automargin: true };
    const names = { automargin: true, type: "category" };
    if (horizontal) {
      // The largest first, at the top, as in the table.
      layout.xaxis = counts;
      layout.yaxis = { ...names, autorange: "reversed" };
      const rows = chart.categories.length * (chart.stacked ? 1 : traces.length);
      layout.height = Math.max(260, rows * ROW_HEIGHT + 110);
    } else {
      layout.xaxis = names;
      layout.yaxis = counts;
      layout.height = 340;
    }
    return [traces, layout];
  }

  function showProblem(placeholder, text) {
    placeholder.classList.add("report-chart-problem");
    placeholder.textContent = text;
  }

  function draw(placeholder, chart) {
    if (!chart) {
      showProblem(placeholder, "Nothing to draw: the table below has the figures.");
      return;
    }
    const [traces, layout] =
      chart.kind === "sankey" ? sankey(chart) : bar(chart, placeholder.dataset.series);
    placeholder.classList.add("report-chart-drawn");
    window.Plotly.newPlot(placeholder, traces, layout, CONFIG);
  }

  const NOT_LOADED = "The charts could not be loaded: the tables below have the figures.";
  if (!window.Plotly) {
    placeholders.forEach((placeholder) => showProblem(placeholder, NOT_LOADED));
    return;
  }
  const request = { credentials: "same-origin", headers: { Accept: "application/json" } };
  fetch(source.dataset.src, request)
    .then((response) => {
      if (!response.ok) throw new Error(`${response.status}`);
      return response.json();
    })
    .then((data) => {
      placeholders.forEach((placeholder) => {
        draw(placeholder, data.charts[placeholder.dataset.chart]);
      });
    })
    .catch(() => {
      const text = `${NOT_LOADED} Reload the page to try again.`;
      placeholders.forEach((placeholder) => showProblem(placeholder, text));
    });
})();
