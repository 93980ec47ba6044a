// cdw quality dashboard: polls the JSON API every 5 s and renders the
// tiles, the admissions chart (inline SVG), the inpatient table, the
// pipeline panel, the data-quality checks and the characterization. Plain browser JavaScript, no dependencies.
"use strict";

(function () {
  const REFRESH_MS = 5000;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const KINDS = ["inpatient", "outpatient", "emergency"];
  const fmt = new Intl.NumberFormat("en-US");
  let timer = null;

  const $ = (id) => document.getElementById(id);

  // el builds an element; text is set as textContent, never parsed as HTML.
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    for (const c of children) e.append(c instanceof Node ? c : String(c));
    return e;
  }

  function svg(tag, attrs, text) {
    const e = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined) e.textContent = text;
    return e;
  }

  async function getJSON(path) {
    const res = await fetch(path, { cache: "no-store", headers: { Accept: "application/json" } });
    let body = null;
    try { body = await res.json(); } catch (_) { /* reported below */ }
    if (!res.ok) throw new Error(path + ": " + ((body && body.error) || res.status + " " + res.statusText));
    if (body === null) throw new Error(path + ": answer is not JSON");
    return body;
  }

  function humanBytes(n) {
    if (n === undefined || n === null) return "—";
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let v = Math.max(0, n), i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? v.toFixed(0) : v.toFixed(1)) + " " + units[i];
  }

  function humanAge(s) {
    if (s === undefined || s === null) return "—";
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s ago";
    if (s < 86400) return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min ago";
    return Math.floor(s / 86400) + " d " + Math.floor((s % 86400) / 3600) + " h ago";
  }

  function setText(id, v) { $(id).textContent = v; }

  function renderSummary(s) {
    setText("snapshot", s.snapshot || "—");
    setText("persons", fmt.format(s.persons));
    setText("visits-total", fmt.format(s.visits.total));
    for (const k of [...KINDS, "other"]) setText("visits-" + k, fmt.format(s.visits[k]));
    setText("notes", fmt.format(s.notes));
    setText("conditions", fmt.format(s.conditions));
    setText("admitted-now", fmt.format(s.admitted_now));
    setText("mean-los", s.mean_los_days.toFixed(2) + " days");
    setText("los-window", s.window_days);
  }

  // axisStep picks a round whole-number tick step (1, 2, 5 × 10^k) so that
  // about four ticks cover the tallest bar.
  function axisStep(max) {
    const raw = Math.max(1, max / 4);
    const p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  function renderChart(a) {
    const W = 860, H = 280, L = 44, R = 12, T = 14, B = 30;
    const series = a.series;
    const total = (d) => d.inpatient + d.outpatient + d.emergency;
    const tallest = Math.max(0, ...series.map(total));
    const step = axisStep(tallest), top = step * Math.max(1, Math.ceil(tallest / step));
    const plotW = W - L - R, plotH = H - T - B;
    const slot = plotW / series.length, barW = Math.max(1, slot * 0.72);
    const y = (v) => T + plotH - (v / top) * plotH;
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "bars" });

    for (let v = 0; v <= top; v += step) {
      const yy = y(v);
      root.append(svg("line", { x1: L, x2: W - R, y1: yy, y2: yy, class: "grid" }));
      root.append(svg("text", { x: L - 6, y: yy + 4, class: "axis", "text-anchor": "end" }, fmt.format(v)));
    }
    const labelEvery = Math.ceil(series.length / 10);
    series.forEach((d, i) => {
      const x = L + i * slot + (slot - barW) / 2;
      let base = 0;
      for (const k of KINDS) {
        if (d[k] > 0) {
          const r = svg("rect", { x: x, y: y(base + d[k]), width: barW, height: y(base) - y(base + d[k]), class: "bar " + k, "data-date": d.date });
          r.append(svg("title", {}, `${d.date} · ${k}: ${d[k]}`));
          root.append(r);
          base += d[k];
        }
      }
      if ((series.length - 1 - i) % labelEvery === 0) {
        root.append(svg("text", { x: L + i * slot + slot / 2, y: H - 10, class: "axis", "text-anchor": "middle" }, d.date.slice(5)));
      }
    });
    root.append(svg("line", { x1: L, x2: W - R, y1: T + plotH, y2: T + plotH, class: "baseline" }));
    $("admissions-chart").replaceChildren(root);
  }

  function badge(status) {
    return el("span", { class: "badge " + status }, status);
  }

  function lagRow(name, zh, lsn, bytes, ageLabel, age) {
    const status = bytes > 0 ? "behind" : "ok";
    return el("tr", {},
      el("th", {}, name + " ", el("span", { lang: "zh-CN" }, zh)),
      el("td", {}, badge(status)),
      el("td", { class: "num" }, humanBytes(bytes)),
      el("td", {}, ageLabel + " " + humanAge(age)),
      el("td", { class: "mono" }, lsn || "—"));
  }

  function renderPipeline(p) {
    const body = $("pipeline-body");
    if (!p.running) {
      body.replaceChildren(el("p", { class: "not-running" }, "Pipeline not running ", el("span", { lang: "zh-CN" }, "数据管道未运行")));
      setText("pipeline-checked", "");
      return;
    }
    const indexOK = p.indexed_snapshot && p.indexed_snapshot === p.snapshot;
    const lag = el("table", { class: "lag" },
      el("thead", {}, el("tr", {}, el("th", {}, "Freshness"), el("th", {}, "State"), el("th", {}, "Lag"), el("th", {}, "Age"), el("th", {}, "LSN"))),
      el("tbody", {},
        el("tr", {}, el("th", {}, "Source ", el("span", { lang: "zh-CN" }, "源库")), el("td", {}), el("td", {}), el("td", {}), el("td", { class: "mono" }, p.source_lsn || "—")),
        lagRow("Bronze (CDC)", "变更捕获", p.bronze_lsn, p.bronze_lag_bytes, "last change", p.last_change_age_seconds),
        lagRow("CDM snapshot", "CDM 快照", p.snapshot_lsn, p.snapshot_lag_bytes, "published", p.snapshot_age_seconds),
        el("tr", {}, el("th", {}, "Notes index ", el("span", { lang: "zh-CN" }, "文书索引")), el("td", {}, badge(indexOK ? "ok" : "behind")),
          el("td", {}), el("td", {}, indexOK ? "current snapshot" : "reflects " + (p.indexed_snapshot || "nothing yet")), el("td", {}))));
    const stages = el("table", { class: "stages" },
      el("thead", {}, el("tr", {}, el("th", {}, "Stage"), el("th", {}, "Status"), el("th", {}, "Detail"), el("th", {}, "Updated"))),
      el("tbody", {}, ...p.stages.map((s) => el("tr", { class: "stage " + s.status },
        el("th", {}, s.name), el("td", {}, badge(s.status)), el("td", {}, s.detail || ""),
        el("td", {}, s.updated_at ? new Date(s.updated_at).toLocaleTimeString() : "—")))));
    const doors = el("table", { class: "doors" },
      el("thead", {}, el("tr", {}, el("th", {}, "Ingest door ", el("span", { lang: "zh-CN" }, "接入")), el("th", {}, "Position"),
        el("th", {}, "Changes"), el("th", {}, "Rate /s"), el("th", {}, "Errors"), el("th", {}, "Last change"))),
      el("tbody", {}, ...(p.doors || []).map((d) => el("tr", { class: "door" + (d.errors > 0 ? " has-errors" : "") },
        el("th", {}, d.source), el("td", { class: "mono" }, d.position || "—"), el("td", { class: "num" }, d.changes.toLocaleString()),
        el("td", { class: "num" }, d.rate_per_s.toFixed(1)), el("td", { class: "num" }, d.errors.toLocaleString()),
        el("td", {}, d.last_change ? new Date(d.last_change).toLocaleString() : "—")))));
    body.replaceChildren(lag, stages, doors);
    setText("pipeline-checked", p.checked_at ? "checked " + new Date(p.checked_at).toLocaleTimeString() : "");
  }

  function notComputed() {
    return el("p", { class: "not-computed" }, "Not computed for this snapshot ", el("span", { lang: "zh-CN" }, "本快照未计算"));
  }

  function pct(v) { return (Math.round(v * 100) / 100).toLocaleString("en-US") + " %"; }

  function renderDataQuality(d) {
    const body = $("dq-body");
    if (!d.computed) {
      body.replaceChildren(notComputed());
      setText("dq-run", "");
      return;
    }
    const total = el("tr", { class: "total" }, el("th", {}, "All checks ", el("span", { lang: "zh-CN" }, "全部")),
      el("td", { class: "num" }, fmt.format(d.checks)), el("td", { class: "num" }, fmt.format(d.passed)),
      el("td", { class: "num" + (d.failed > 0 ? " bad" : "") }, fmt.format(d.failed)));
    const cats = el("table", { class: "dq-categories" },
      el("thead", {}, el("tr", {}, el("th", {}, "Category"), el("th", {}, "Checks"), el("th", {}, "Passed"), el("th", {}, "Failed"))),
      el("tbody", {}, ...d.categories.map((c) => el("tr", { class: "dq-category", "data-category": c.category },
        el("th", {}, c.category), el("td", { class: "num" }, fmt.format(c.checks)), el("td", { class: "num" }, fmt.format(c.passed)),
        el("td", { class: "num" + (c.failed > 0 ? " bad" : "") }, fmt.format(c.failed)))), total));
    let failures;
    if (d.checks === 0) {
      failures = el("p", { class: "not-computed" }, "No check ran on this snapshot ", el("span", { lang: "zh-CN" }, "本快照未运行检查"));
    } else if (d.failures.length === 0) {
      failures = el("p", { class: "all-passed" }, badge("ok"), " Every check passed ", el("span", { lang: "zh-CN" }, "全部通过"));
    } else {
      failures = el("table", { class: "dq-failures" },
        el("thead", {}, el("tr", {}, el("th", {}, "Failed check ", el("span", { lang: "zh-CN" }, "未通过")), el("th", {}, "Category"),
          el("th", {}, "Table · field"), el("th", {}, "Violated"), el("th", {}, "Threshold"), el("th", {}, "Rows"), el("th", {}, "Sample"))),
        el("tbody", {}, ...d.failures.map((f) => el("tr", { class: "dq-failure", "data-check": f.check_id },
          el("th", {}, f.check_name, el("br", {}), el("small", {}, f.description || "")),
          el("td", {}, f.category + (f.subcategory ? " · " + f.subcategory : "")),
          el("td", { class: "mono" }, (f.table || "—") + (f.field ? "." + f.field : "")),
          el("td", { class: "num bad" }, pct(f.pct_violated)),
          el("td", { class: "num" }, "≤ " + pct(f.threshold)),
          el("td", { class: "num" }, fmt.format(f.violated_rows) + " / " + fmt.format(f.denominator_rows)),
          el("td", { class: "mono sample" }, f.sample_violations || "—")))));
    }
    body.replaceChildren(cats, failures);
    setText("dq-run", d.run_at ? "checked " + new Date(d.run_at).toLocaleString() : "");
  }

  // pyramid draws persons per age group: men to the left, women to the right.
  function pyramid(groups) {
    const W = 440, rowH = 18, T = 18, mid = W / 2, half = mid - 46;
    const H = T + groups.length * rowH + 4;
    const most = Math.max(1, ...groups.map((g) => Math.max(g.male, g.female)));
    const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "pyramid" });
    root.append(svg("text", { x: mid - 24, y: 12, class: "axis", "text-anchor": "end" }, "Male 男"));
    root.append(svg("text", { x: mid + 24, y: 12, class: "axis" }, "Female 女"));
    [...groups].reverse().forEach((g, i) => {
      const y = T + i * rowH;
      const m = (g.male / most) * half, f = (g.female / most) * half;
      const row = svg("g", { class: "age-row", "data-age": g.age_group });
      row.append(svg("rect", { x: mid - 22 - m, y: y + 2, width: m, height: rowH - 5, class: "bar male" }));
      row.append(svg("rect", { x: mid + 22, y: y + 2, width: f, height: rowH - 5, class: "bar female" }));
      row.append(svg("text", { x: mid, y: y + 13, class: "axis", "text-anchor": "middle" }, g.age_group));
      row.append(svg("text", { x: mid - 26 - m, y: y + 13, class: "axis", "text-anchor": "end" }, fmt.format(g.male)));
      row.append(svg("text", { x: mid + 26 + f, y: y + 13, class: "axis" }, fmt.format(g.female)));
      row.append(svg("title", {}, `${g.age_group}: male ${g.male}, female ${g.female}, other ${g.other}`));
      root.append(row);
    });
    return root;
  }

  function renderCharacterization(c) {
    const body = $("char-body");
    if (!c.computed) {
      body.replaceChildren(notComputed());
      return;
    }
    const other = c.age_groups.reduce((n, g) => n + g.other, 0);
    const people = el("div", { class: "char-persons" },
      el("h3", {}, "Persons by sex and age ", el("span", { lang: "zh-CN" }, "性别年龄分布"),
        el("small", {}, " · " + fmt.format(c.persons) + " persons, ages in " + c.age_year + (other ? " · other/unknown sex " + fmt.format(other) : ""))),
      pyramid(c.age_groups));
    const tables = el("div", { class: "char-tables" },
      el("h3", {}, "Records per domain ", el("span", { lang: "zh-CN" }, "各领域记录数")),
      el("table", { class: "domains" },
        el("thead", {}, el("tr", {}, el("th", {}, "Table"), el("th", {}, "Records"), el("th", {}, "Persons"))),
        el("tbody", {}, ...c.tables.map((t) => el("tr", { class: "domain-row" }, el("th", { class: "mono" }, t.table),
          el("td", { class: "num" }, fmt.format(t.records)), el("td", { class: "num" }, fmt.format(t.persons)))))));
    const tops = el("div", { class: "top-concepts" }, ...c.top_concepts.map((d) => el("div", { class: "top-domain", "data-domain": d.domain },
      el("h3", {}, "Top " + d.domain + " concepts"),
      el("table", {},
        el("thead", {}, el("tr", {}, el("th", {}, "Concept"), el("th", {}, "Records"), el("th", {}, "Persons"))),
        el("tbody", {}, ...d.concepts.map((k) => el("tr", { class: "top-concept" },
          el("th", {}, k.name, k.concept_id !== null && k.name !== String(k.concept_id) ? el("small", { class: "mono" }, " " + k.concept_id) : ""),
          el("td", { class: "num" }, fmt.format(k.records)), el("td", { class: "num" }, fmt.format(k.persons)))))))));
    body.replaceChildren(el("div", { class: "char-row" }, people, tables), tops);
  }

  function days() { return $("days").value; }

  async function refresh() {
    clearTimeout(timer);
    const results = await Promise.allSettled([
      getJSON("/api/summary?days=" + days()).then(renderSummary),
      getJSON("/api/admissions?days=" + days()).then(renderChart),
      getJSON("/api/pipeline").then(renderPipeline),
      getJSON("/api/data-quality").then(renderDataQuality),
      getJSON("/api/characterization").then(renderCharacterization),
    ]);
    const errors = results.filter((r) => r.status === "rejected").map((r) => r.reason.message);
    const status = $("status");
    status.hidden = errors.length === 0;
    status.textContent = errors.join(" · ");
    if (errors.length === 0) {
      setText("refreshed", new Date().toLocaleTimeString());
      document.documentElement.dataset.ready = "true";
    }
    timer = setTimeout(refresh, REFRESH_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    const want = new URLSearchParams(location.search).get("days");
    if (want && [...$("days").options].some((o) => o.value === want)) $("days").value = want;
    $("days").addEventListener("change", refresh);
    refresh();
  });
})();
