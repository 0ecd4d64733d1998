/* The alarmapi console: one alarm's page (its facts, state timeline, history, the
   metric against the threshold with a backtest, deliveries). Loaded before
   console.js, whose helpers (el, api, show, report, when, ms, badge) it calls. */
"use strict";

const STATE_COLOURS = { ok: "#2e7d32", alarm: "#c62828", "insufficient data": "#757575" };
const WINDOWS = { "1 hour": 3600, "6 hours": 21600, "24 hours": 86400, "7 days": 604800 };
const HISTORY_LIMIT = 200;  // the newest changes and deliveries an alarm page shows

/* ---- one alarm ---- */
function ruleLeaves(alarm) {
  if (alarm.type !== "composite") return [{ type: alarm.type, ...alarm[`${alarm.type}_rule`] }];
  const leaves = (node) => node.and || node.or ? (node.and || node.or).flatMap(leaves) : [node];
  return leaves(alarm.composite_rule);
}

/* Whether a backtest replays every leaf of the alarm: the API advertises each rule type
   it replays as the capability alarms:backtest:<type>. */
function isBacktestable(alarm, capabilities) {
  return ruleLeaves(alarm).every((leaf) => capabilities[`alarms:backtest:${leaf.type}`] === true);
}

function gcd(a, b) { return b ? gcd(b, a % b) : a; }

/* The backtest's step for a window: the evaluation interval, longer for long windows
   (at most 5,000 moments), and one the API accepts for every period of the rule (a
   period is read once per phase, at most 60 phases). */
function stepFor(alarm, seconds) {
  let step = Math.max(SETTINGS.evaluation_interval, Math.ceil(seconds / 5000 / 60) * 60);
  for (const period of ruleLeaves(alarm).map((leaf) => leaf.period || 60)) {
    if (period / gcd(period, step) <= 60) continue;
    let divisor = Math.max(step, Math.ceil(period / 60));
    while (period % divisor) divisor += 1;
    step = divisor;
  }
  return step;
}

async function alarmPage(alarmId) {
  const path = `/v2/alarms/${encodeURIComponent(alarmId)}`;
  const mine = generation;
  const [alarm, history, deliveries, capabilities] = await Promise.all([
    api("GET", path), api("GET", `${path}/history?limit=${HISTORY_LIMIT}`),
    api("GET", `${path}/deliveries?limit=${HISTORY_LIMIT}`), api("GET", "/v2/capabilities")]);
  const backtested = isBacktestable(alarm, capabilities.api);
  if (mine !== generation) return;
  const stateSelect = el("select", { id: "new-state" },
    STATES.map((s) => el("option", { value: s, selected: s === alarm.state }, s)));
  const setState = el("button", { id: "set-state", type: "button", on: { click: async () => {
    try { await api("PUT", `${path}/state`, stateSelect.value); report(null); await alarmPage(alarmId); }
    catch (error) { report(error); }
  } } }, "Set state");
  const acknowledge = el("button", { id: "acknowledge", type: "button", on: { click: async () => {
    try {
      await api("POST", "/v2/silences", { alarm_id: alarm.alarm_id,
                                          comment: `acknowledged from the console by ${credentials().user}` });
      report(null); go("#/silences");
    } catch (error) { report(error); }
  } } }, "Acknowledge (silence until ok)");
  const facts = [
    ["State", badge(alarm.state)], ["Severity", alarm.severity], ["Type", alarm.type],
    ["Enabled", alarm.enabled ? "yes" : "no"], ["Last change", when(alarm.state_timestamp)],
    ["Reason", alarm.state_reason], ["Last evaluated", when(alarm.last_evaluated) || "never"],
    ["Missed evaluations", alarm.missed_evaluations ?? ""],
    ["Evaluation error", alarm.evaluation_error],
  ].filter(([, value]) => value !== undefined && value !== null && value !== "");
  const sections = [
    el("h1", {}, alarm.name),
    el("p", { id: "rule-words", class: "words" }, window.alarmWords(alarm)),
    alarm.description ? el("p", { class: "hint" }, alarm.description) : null,
    el("dl", { id: "facts" }, facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)])),
    el("div", { class: "tools" }, "Set the state by hand: ", stateSelect, setState,
      alarm.state === "alarm" ? acknowledge : null),
    el("h2", {}, "State timeline"),
    el("div", { class: "chart short" }, el("canvas", { id: "timeline" })),
    historyTable(history),
  ];
  if (backtested) {
    sections.push(el("h2", {}, "Metric against the threshold"), plotControls(alarm, path));
  }
  sections.push(el("h2", {}, "Deliveries"), deliveriesTable(deliveries));
  show(...sections);
  drawTimeline(alarm, history);
  // A plot that cannot be drawn says why and leaves the rest of the page as it is.
  if (backtested) await drawPlot(alarm, path, WINDOWS["1 hour"]).catch(report);
}

function historyTable(history) {
  const rows = history.map((h) => {
    const detail = h.detail ? JSON.parse(h.detail) : {};
    return el("tr", {}, el("td", {}, when(h.timestamp)), el("td", {}, h.type),
      el("td", {}, h.type === "state transition" ? `${detail.previous_state || ""} → ${detail.state}` : ""),
      el("td", {}, detail.transition_reason || ""));
  });
  return el("table", { id: "history" }, el("thead", {}, el("tr", {},
    ["Time", "Change", "States", "Reason"].map((t) => el("th", {}, t)))), el("tbody", {}, rows));
}

function deliveriesTable(deliveries) {
  if (!deliveries.length) return el("p", { id: "deliveries", class: "hint" }, "No notifications yet.");
  return el("table", { id: "deliveries" }, el("thead", {}, el("tr", {},
    ["Notified", "Action", "States", "Status", "Attempts", "Result"].map((t) => el("th", {}, t)))),
  el("tbody", {}, deliveries.map((d) => el("tr", {}, el("td", {}, when(d.notified_at)),
    el("td", {}, d.action), el("td", {}, `${d.previous} → ${d.current}`),
    el("td", {}, el("span", { class: `delivery ${d.status}` }, d.status)),
    el("td", {}, d.attempts), el("td", {}, d.result || "")))));
}

/* The states one after another: a floating bar per stretch of one state. */
function stretches(alarm, history) {
  const changes = history.filter((h) => h.type === "state transition" || h.type === "creation")
    .map((h) => ({ at: ms(h.timestamp), state: JSON.parse(h.detail || "{}").state }))
    .filter((c) => c.state).sort((a, b) => a.at - b.at);
  const now = Date.now();
  return changes.map((c, i) => ({ state: c.state, from: c.at, to: i + 1 < changes.length ? changes[i + 1].at : now }));
}

function timeAxis() {
  return { type: "linear", ticks: { callback: (v) => new Date(v).toISOString().slice(5, 16).replace("T", " ") } };
}

function drawTimeline(alarm, history) {
  if (!window.Chart) return;
  const parts = stretches(alarm, history);
  charts.push(new window.Chart(document.getElementById("timeline"), {
    type: "bar",
    data: { labels: ["state"], datasets: parts.map((p) => ({
      label: p.state, data: [[p.from, p.to]], backgroundColor: STATE_COLOURS[p.state],
      grouped: false, barPercentage: 1, categoryPercentage: 1 })) },
    options: { indexAxis: "y", animation: false, maintainAspectRatio: false,
               plugins: { legend: { display: false } },
               scales: { x: { ...timeAxis(), min: parts.length ? parts[0].from : undefined,
                              max: Date.now(), beginAtZero: false }, y: { display: false } } },
  }));
}

function plotControls(alarm, path) {
  const choice = el("select", { id: "window" }, Object.keys(WINDOWS).map((k) => el("option", { value: WINDOWS[k] }, k)));
  choice.addEventListener("change", () => drawPlot(alarm, path, Number(choice.value)).catch(report));
  return el("div", {}, el("div", { class: "tools" }, "Window: ", choice),
    el("div", { class: "chart" }, el("canvas", { id: "plot" })),
    el("p", { id: "backtest-summary", class: "hint" }),
    el("ul", { id: "backtest" }));
}

async function drawPlot(alarm, path, seconds) {
  const end = new Date();
  const start = new Date(end.getTime() - seconds * 1000);
  const step = stepFor(alarm, seconds);
  const result = await api("POST", `${path}/backtest`, {
    start: start.toISOString(), end: end.toISOString(), step });
  document.getElementById("backtest-summary").textContent =
    `Backtest over this window: ${result.transitions.length} transitions, ` +
    `${result.notifications} notifications would have been sent ` +
    `(${result.evaluations} evaluations every ${result.step} s).`;
  document.getElementById("backtest").replaceChildren(...result.transitions.map((t) =>
    el("li", {}, `${when(t.timestamp)}: ${t.previous_state} → ${t.state} — ${t.reason}`)));
  const datasets = [];
  result.series.forEach((s, i) => {
    datasets.push({ label: `${s.statistic}(${s.meter_name})`, data: s.points.map((p) => ({ x: ms(p.timestamp), y: p.value })),
                    borderColor: i ? "#6a1b9a" : "#1565c0", pointRadius: 2, showLine: true });
    datasets.push({ label: `threshold ${s.threshold}`, data: [{ x: start.getTime(), y: s.threshold }, { x: end.getTime(), y: s.threshold }],
                    borderColor: "#ef6c00", borderDash: [6, 4], pointRadius: 0, showLine: true });
  });
  const top = Math.max(...result.series.map((s) => s.threshold), ...result.series.flatMap((s) => s.points.map((p) => p.value)));
  datasets.push({ label: "would have changed state", type: "scatter",
                  data: result.transitions.map((t) => ({ x: ms(t.timestamp), y: top, state: t.state })),
                  pointStyle: "triangle", pointRadius: 7,
                  pointBackgroundColor: result.transitions.map((t) => STATE_COLOURS[t.state]) });
  if (!window.Chart) return;
  const canvas = document.getElementById("plot");
  const old = window.Chart.getChart(canvas);
  if (old) { old.destroy(); charts.splice(charts.indexOf(old), 1); }
  charts.push(new window.Chart(canvas, { type: "scatter", data: { datasets },
    options: { animation: false, maintainAspectRatio: false, scales: { x: { ...timeAxis(), min: start.getTime(), max: end.getTime() } } } }));
}
