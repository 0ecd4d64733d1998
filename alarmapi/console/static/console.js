/* The alarmapi console: every page is built from the API's answers, fetched with the
   signed-in user's credentials; text is always set as text, never as markup. */
"use strict";

const SETTINGS = JSON.parse(document.getElementById("settings").textContent);
const API = SETTINGS.api_base;
const STATE_COLOURS = { ok: "#2e7d32", alarm: "#c62828", "insufficient data": "#757575" };
const WINDOWS = { "1 hour": 3600, "6 hours": 21600, "24 hours": 86400, "7 days": 604800 };
const STATES = ["ok", "alarm", "insufficient data"];
const HISTORY_LIMIT = 200;  // the newest changes and deliveries an alarm page shows
const charts = [];
const REFRESH_MS = SETTINGS.refresh_interval * 1000;
let refreshTimer = null;
let generation = 0;  // bumped by every navigation: a page read for an older one is dropped

/* ---- DOM ---- */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "on") Object.entries(value).forEach(([e, f]) => node.addEventListener(e, f));
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function show(...nodes) {
  clearTimeout(refreshTimer);
  charts.splice(0).forEach((chart) => chart.destroy());
  document.getElementById("main").replaceChildren(...nodes);
}

function report(error) {
  const box = document.getElementById("error");
  box.textContent = error ? String(error.message || error) : "";
  box.hidden = !error;
}

function badge(state) {
  return el("span", { class: `badge state-${state.replace(" ", "-")}` }, state);
}

function when(iso) {
  return iso ? iso.replace("T", " ").slice(0, 19) : "";
}

function ms(iso) {
  return Date.parse(iso.endsWith("Z") || iso.includes("+") ? iso : `${iso}Z`);
}

/* ---- credentials and the API ---- */
function credentials() {
  const stored = sessionStorage.getItem("alarmapi-console");
  return stored ? JSON.parse(stored) : null;
}

function headers(extra) {
  const who = credentials();
  const sent = { Accept: "application/json", ...extra };
  if (who && who.token) sent["X-Auth-Token"] = who.token;
  else if (who) {
    sent["X-Project-Id"] = who.project_id;
    sent["X-User-Id"] = who.user;
    sent["X-Roles"] = who.roles.join(",");
  }
  return sent;
}

async function api(method, path, body) {
  const response = await fetch(API + path, {
    method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (response.status === 401 && credentials() && credentials().token) signOut();
  if (!response.ok) {
    const fault = data && (data.error_message || data);
    const message = (fault && (fault.faultstring || fault.message || fault.description)) ||
      `${response.status} ${response.statusText}`;
    throw new Error(typeof message === "string" ? message : JSON.stringify(message));
  }
  return data;
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;  // hashchange routes
}

function signOut() {
  sessionStorage.removeItem("alarmapi-console");
  go("#/signin");
}

/* ---- sign-in ---- */
function field(label, name, attrs) {
  return el("label", {}, label, el("input", { name, ...attrs }));
}

function signInPage() {
  const keystone = SETTINGS.auth_mode === "keystone";
  const form = el("form", { id: "signin" },
    el("h1", {}, "Sign in"),
    keystone ? [
      field("User name", "username", { autocomplete: "username" }),
      field("Password", "password", { type: "password", autocomplete: "current-password" }),
      field("Project", "project", {}),
      field("Domain", "domain", { value: "Default" }),
      el("p", { class: "hint" }, "or"),
      field("Token", "token", { autocomplete: "off" }),
    ] : [
      el("p", { class: "hint" }, "This API runs without Keystone: name the project and " +
        "user to act as, as API clients do with X-Project-Id and X-User-Id."),
      field("Project ID", "project_id", { required: true }),
      field("User ID", "user", { required: true }),
      field("Roles", "roles", { value: "reader,member" }),
    ],
    el("button", { type: "submit" }, "Sign in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const given = Object.fromEntries(new FormData(form).entries());
    try {
      let who;
      if (keystone) {
        const response = await fetch("signin", {
          method: "POST", headers: { "Content-Type": "application/json" },
          body: JSON.stringify(given.token ? { token: given.token } : given),
        });
        const data = await response.json();
        if (!response.ok) throw new Error(data.error_message.faultstring);
        who = data;
      } else {
        who = { project_id: given.project_id, project_name: given.project_id,
                user: given.user, roles: given.roles.split(",").map((r) => r.trim()) };
      }
      sessionStorage.setItem("alarmapi-console", JSON.stringify(who));
      report(null);
      go("#/alarms");
    } catch (error) { report(error); }
  });
  show(form);
}

/* ---- the alarm list ---- */
const LIST_COLUMNS = [
  ["state", "State"], ["severity", "Severity"], ["type", "Type"], ["name", "Name"],
  ["state_timestamp", "Last change"],
];
const listView = { sort: "name", descending: false, text: "", state: "" };

async function alarmsPage() {
  const mine = generation;
  const alarms = await api("GET", "/v2/alarms");
  if (mine !== generation) return;
  const body = el("tbody");
  const filter = el("input", { id: "filter", type: "search", value: listView.text,
                               placeholder: "Filter by name, type or severity" });
  const stateFilter = el("select", { id: "state-filter" }, el("option", { value: "" }, "Any state"),
    STATES.map((s) => el("option", { value: s, selected: s === listView.state }, s)));
  const heads = LIST_COLUMNS.map(([key, label]) => el("th", {
    "data-sort": key, class: key === listView.sort ? (listView.descending ? "desc" : "asc") : "",
    on: { click: () => {
      listView.descending = listView.sort === key ? !listView.descending : false;
      listView.sort = key;
      heads.forEach((h) => { h.className = h.dataset.sort === key ? (listView.descending ? "desc" : "asc") : ""; });
      fill();
    } },
  }, label));

  function fill() {
    const text = listView.text.toLowerCase();
    const shown = alarms.filter((a) => (!listView.state || a.state === listView.state) &&
      [a.name, a.type, a.severity].some((v) => String(v).toLowerCase().includes(text)));
    shown.sort((a, b) => String(a[listView.sort]).localeCompare(String(b[listView.sort])) *
      (listView.descending ? -1 : 1));
    body.replaceChildren(...shown.map((a) => el("tr", { "data-alarm-id": a.alarm_id },
      el("td", {}, badge(a.state)), el("td", {}, a.severity), el("td", {}, a.type),
      el("td", {}, el("a", { href: `#/alarms/${a.alarm_id}` }, a.name)),
      el("td", {}, when(a.state_timestamp)))));
    document.getElementById("count").textContent = `${shown.length} of ${alarms.length} alarms`;
  }
  filter.addEventListener("input", () => { listView.text = filter.value; fill(); });
  stateFilter.addEventListener("change", () => { listView.state = stateFilter.value; fill(); });
  show(el("h1", {}, "Alarms"), el("div", { class: "tools" }, filter, stateFilter,
    el("span", { id: "count" })), el("table", { id: "alarms" }, el("thead", {}, el("tr", {}, heads)), body));
  fill();
  // The list follows the alarms' states: read again every REFRESH_MS while it is shown.
  const refresh = async () => {
    if (!document.body.contains(body)) return;
    try { alarms.splice(0, alarms.length, ...await api("GET", "/v2/alarms")); fill(); }
    catch (error) { report(error); }
    refreshTimer = setTimeout(refresh, REFRESH_MS);
  };
  refreshTimer = setTimeout(refresh, REFRESH_MS);
}

/* ---- one alarm ---- */
function ruleLeaves(alarm) {
  if (alarm.type !== "composite") return [{ type: alarm.type, ...alarm[`${alarm.type}_rule`] }];
  const leaves = (node) => node.and || node.or ? (node.and || node.or).flatMap(leaves) : [node];
  return leaves(alarm.composite_rule);
}

function isBacktestable(alarm) {
  return ruleLeaves(alarm).every((leaf) => leaf.type === "threshold");
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
  const [alarm, history, deliveries] = await Promise.all([
    api("GET", path), api("GET", `${path}/history?limit=${HISTORY_LIMIT}`),
    api("GET", `${path}/deliveries?limit=${HISTORY_LIMIT}`)]);
  if (mine !== generation) return;
  const stateSelect = el("select", { id: "new-state" },
    STATES.map((s) => el("option", { value: s, selected: s === alarm.state }, s)));
  const setState = el("button", { id: "set-state", type: "button", on: { click: async () => {
    try { await api("PUT", `${path}/state`, stateSelect.value); report(null); await alarmPage(alarmId); }
    catch (error) { report(error); }
  } } }, "Set state");
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
    el("div", { class: "tools" }, "Set the state by hand: ", stateSelect, setState),
    el("h2", {}, "State timeline"),
    el("div", { class: "chart short" }, el("canvas", { id: "timeline" })),
    historyTable(history),
  ];
  if (isBacktestable(alarm)) {
    sections.push(el("h2", {}, "Metric against the threshold"), plotControls(alarm, path));
  }
  sections.push(el("h2", {}, "Deliveries"), deliveriesTable(deliveries));
  show(...sections);
  drawTimeline(alarm, history);
  // A plot that cannot be drawn says why and leaves the rest of the page as it is.
  if (isBacktestable(alarm)) await drawPlot(alarm, path, WINDOWS["1 hour"]).catch(report);
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

/* ---- notification methods ---- */
async function methodsPage() {
  const mine = generation;
  const listed = await api("GET", "/v2.0/notification-methods");
  if (mine !== generation) return;
  const methods = listed.elements || [];
  const form = el("form", { id: "new-method" }, field("Name", "name", { required: true }),
    el("label", {}, "Type", el("select", { name: "type" },
      ["WEBHOOK", "EMAIL", "PAGERDUTY", "ALERTMANAGER"].map((t) => el("option", { value: t }, t)))),
    field("Address", "address", { required: true }),
    el("button", { type: "submit" }, "Create"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try { await api("POST", "/v2.0/notification-methods", Object.fromEntries(new FormData(form).entries()));
          report(null); await methodsPage(); } catch (error) { report(error); }
  });
  show(el("h1", {}, "Notification methods"),
    el("table", { id: "methods" }, el("thead", {}, el("tr", {}, ["Name", "Type", "Address", ""].map((t) => el("th", {}, t)))),
      el("tbody", {}, methods.map((m) => el("tr", { "data-method-id": m.id }, el("td", {}, m.name),
        el("td", {}, m.type), el("td", {}, m.address), el("td", {}, el("button", { type: "button", on: { click: async () => {
          try { await api("DELETE", `/v2.0/notification-methods/${m.id}`); await methodsPage(); } catch (error) { report(error); }
        } } }, "Delete")))))),
    el("h2", {}, "New notification method"), form);
}

/* ---- routing ---- */
async function route() {
  const mine = ++generation;
  const who = credentials();
  const nav = document.getElementById("nav");
  nav.hidden = !who;
  document.getElementById("who").textContent = who ? `${who.user} in ${who.project_name || who.project_id}` : "";
  const parts = location.hash.replace(/^#\/?/, "").split("/");
  try {
    if (!who) return signInPage();
    if (parts[0] === "alarms" && parts[1]) return await alarmPage(decodeURIComponent(parts[1]));
    if (parts[0] === "notification-methods") return await methodsPage();
    return await alarmsPage();
  } catch (error) {
    if (mine !== generation) return;
    show(el("p", { id: "nothing", class: "hint" }, "Nothing to show."));
    report(error);
  }
}

document.getElementById("signout").addEventListener("click", signOut);
window.addEventListener("hashchange", () => { report(null); route(); });
route();
