/* An alarm's rule written in words (every rule type, composite trees too). */
"use strict";

const COMPARED = {
  lt: "is below", le: "is at most", eq: "equals", ne: "differs from",
  ge: "is at least", gt: "is above",
};

function periods(count, seconds) {
  const unit = seconds % 3600 === 0 ? [seconds / 3600, "h"]
    : seconds % 60 === 0 ? [seconds / 60, "min"] : [seconds, "s"];
  const each = `${unit[0]} ${unit[1]}`;
  return count === 1 ? `in the last period of ${each}`
    : `in each of the last ${count} periods of ${each}`;
}

let ownProject = null;  // the alarm's own project: not worth saying

function conditions(query) {
  if (!Array.isArray(query)) return "";
  const said = query.filter((q) => !(["project_id", "project"].includes(q.field) &&
                                    q.value === ownProject));
  if (said.length === 0) return "";
  const parts = said.map((q) => `${q.field} ${q.op && q.op !== "eq" ? q.op : "="} ${q.value}`);
  return ` where ${parts.join(" and ")}`;
}

function compared(rule) {
  return `${COMPARED[rule.comparison_operator || "eq"] || rule.comparison_operator} ` +
    `${rule.threshold}`;
}

const RULES = {
  threshold: (r) => `the ${r.statistic || "avg"} of ${r.meter_name}${conditions(r.query)} ` +
    `${compared(r)} ${periods(r.evaluation_periods || 1, r.period || 60)}`,
  gnocchi_resources_threshold: (r) => `the ${r.aggregation_method} of metric ${r.metric} ` +
    `of ${r.resource_type} ${r.resource_id} ${compared(r)} ` +
    `${periods(r.evaluation_periods || 1, r.granularity || 60)}`,
  gnocchi_aggregation_by_metrics_threshold: (r) => `the ${r.aggregation_method} of ` +
    `metrics ${(r.metrics || []).join(", ")} ${compared(r)} ` +
    `${periods(r.evaluation_periods || 1, r.granularity || 60)}`,
  gnocchi_aggregation_by_resources_threshold: (r) => `the ${r.aggregation_method} of ` +
    `metric ${r.metric} over the ${r.resource_type} resources matching ${r.query} ` +
    `${compared(r)} ${periods(r.evaluation_periods || 1, r.granularity || 60)}`,
  prometheus: (r) => `the PromQL query ${r.query} ${compared(r)}`,
  event: (r) => `an event ${r.event_type || "*"} arrives${conditions(r.query)}`,
  // The stored fields of the rule (alarmapi/rule_shapes.py LoadBalancerShape).
  loadbalancer_member_health: (r) => `a member of pool ${r.pool_id} is unhealthy ` +
    `(autoscaling group ${r.autoscaling_group_id} of stack ${r.stack_id})`,
};

function ruleWords(type, rule) {
  if (type === "composite") return compositeWords(rule);
  const words = RULES[type];
  return words ? words(rule || {}) : `a ${type} rule`;
}

function compositeWords(node) {
  for (const joiner of ["and", "or"]) {
    if (node && Array.isArray(node[joiner])) {
      return node[joiner].map((child) => {
        const text = compositeWords(child);
        return child.and || child.or ? `(${text})` : text;
      }).join(` ${joiner} `);
    }
  }
  return ruleWords(node.type, node);
}

function alarmWords(alarm) {
  ownProject = alarm.project_id;
  const rule = alarm[`${alarm.type}_rule`];
  return `Alarm when ${ruleWords(alarm.type, rule)}.`;
}

window.alarmWords = alarmWords;
