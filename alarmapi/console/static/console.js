/* The alarmapi console: every page is built from the API's answers, fetched with the
   signed-in user's credentials; text is always set as text, never as markup. */
"use strict";

const SETTINGS = JSON.parse(document.getElementById("settings").textContent);
const API = SETTINGS.api_base;
const STATES = ["ok", "alarm", "insufficient data"];
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

/* A stored time (UTC, as the API gives it) with its time zone said. */
function when(iso) {
  return iso ? `${iso.replace("T", " ").slice(0, 19)} UTC` : "";
}

const SEVERITIES = ["critical", "moderate", "low"];

function severityBadge(severity) {
  return el("span", { class: `severity severity-${severity}` }, severity);
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
// The first sort is by state: firing alarms first, the most severe of them first.
const listView = { sort: "state", descending: false, text: "", state: "" };
const STATE_RANK = { alarm: 0, "insufficient data": 1, ok: 2 };

function rank(order, value) {
  const found = order.indexOf(value);
  return found < 0 ? order.length : found;
}

function compareAlarms(a, b, key) {
  if (key === "state") {
    return (STATE_RANK[a.state] ?? 3) - (STATE_RANK[b.state] ?? 3) ||
      rank(SEVERITIES, a.severity) - rank(SEVERITIES, b.severity) ||
      String(a.name).localeCompare(String(b.name));
  }
  if (key === "severity") {
    return rank(SEVERITIES, a.severity) - rank(SEVERITIES, b.severity) ||
      String(a.name).localeCompare(String(b.name));
  }
  return String(a[key]).localeCompare(String(b[key]));
}

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
    shown.sort((a, b) => compareAlarms(a, b, listView.sort) * (listView.descending ? -1 : 1));
    body.replaceChildren(...shown.map((a) => el("tr", { "data-alarm-id": a.alarm_id },
      el("td", {}, badge(a.state)), el("td", {}, severityBadge(a.severity)), el("td", {}, a.type),
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

/* ---- silences ---- */
function matchersText(silence) {
  return (silence.matchers || []).map((m) => `${m.field}${m.op}${m.value}`).join(", ");
}

function untilText(silence) {
  const end = when(silence.active_until || silence.ends_at);
  if (silence.expire_on_resolve) return end ? `${end} or until ok` : "until ok";
  return end;
}

const SILENCE_FIELDS = ["name", "severity", "type", "alarm_id"];
const SILENCE_OPS = ["=", "!=", "=~", "!~"];

/* The body of a new silence from its form: one matcher; it ends after the hours given,
   when the alarm is ok again, or whichever comes first. */
function silenceBody(given) {
  const body = { matchers: [{ field: given.field, op: given.op, value: given.value }],
                 comment: given.comment || "", expire_on_resolve: given.until_ok === "on" };
  if (given.hours) body.ends_at = new Date(Date.now() + Number(given.hours) * 3600e3).toISOString();
  return body;
}

function silenceForm() {
  const form = el("form", { id: "new-silence" },
    el("label", {}, "Field", el("select", { name: "field" },
      SILENCE_FIELDS.map((f) => el("option", { value: f }, f)))),
    el("label", {}, "Operator", el("select", { name: "op" },
      SILENCE_OPS.map((o) => el("option", { value: o }, o)))),
    field("Value", "value", { required: true }),
    field("Ends in (hours)", "hours", { type: "number", min: "0.1", step: "0.1", value: "2" }),
    el("label", { class: "inline" }, el("input", { type: "checkbox", name: "until_ok" }),
       "or when the alarm is ok again"),
    field("Comment", "comment", {}),
    el("button", { type: "submit" }, "Create silence"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await api("POST", "/v2/silences", silenceBody(Object.fromEntries(new FormData(form).entries())));
      report(null); await silencesPage();
    } catch (error) { report(error); }
  });
  return form;
}

async function silencesPage() {
  const mine = generation;
  const silences = await api("GET", "/v2/silences?expired=true");
  if (mine !== generation) return;
  show(el("h1", {}, "Silences"),
    el("p", { class: "hint" }, "Alarms a silence matches are evaluated as usual; their " +
      "notifications are held back while it is active."),
    el("table", { id: "silences" }, el("thead", {}, el("tr", {},
      ["Status", "Silences", "Until", "Comment", ""].map((t) => el("th", {}, t)))),
    el("tbody", {}, silences.map((x) => el("tr", { "data-silence-id": x.id },
      el("td", {}, x.status), el("td", {}, matchersText(x)),
      el("td", {}, untilText(x)),
      el("td", {}, x.comment || ""),
      el("td", {}, x.status === "expired" ? "" : el("button", { type: "button", on: { click: async () => {
        try { await api("DELETE", `/v2/silences/${x.id}`); await silencesPage(); } catch (error) { report(error); }
      } } }, "Expire")))))),
    el("h2", {}, "New silence"), silenceForm());
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
    if (parts[0] === "silences") return await silencesPage();
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
