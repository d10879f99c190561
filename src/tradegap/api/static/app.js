/* tradegap web UI: plain JavaScript over the JSON API; charts with the vendored Vega-Lite. */
(function () {
  "use strict";

  const main = document.getElementById("main");
  const params = new URLSearchParams(location.search);

  // ------------------------------------------------------------------ DOM helpers
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }
  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); return el; }
  function paragraphs(text) {
    return h("div", { class: "section-text" },
      String(text || "").split(/\n\s*\n/).filter(Boolean).map((p) => h("p", {}, p)));
  }
  function num(v, digits) {
    if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
    const d = digits === undefined ? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2) : digits;
    return Number(v).toLocaleString("en-US", { minimumFractionDigits: d, maximumFractionDigits: d });
  }
  function pct(v, digits) { return v === null || v === undefined ? "n/a" : (v > 0 ? "+" : "") + num(v, digits === undefined ? 2 : digits) + "%"; }
  function yearParam(def, lo, hi) {
    const y = parseInt(params.get("year") || "", 10);
    return Number.isInteger(y) && y >= lo && y <= hi ? y : def;
  }

  // ------------------------------------------------------------------ API access
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.message) || "The server could not answer (HTTP " + status + ").");
      this.status = status;
      this.hint = body && body.hint;
    }
  }
  async function request(url, opts) {
    let r;
    try {
      r = await fetch(url, opts);
    } catch (e) {
      throw new ApiError(0, { message: "The tradegap server cannot be reached.", hint: "Check that `tradegap serve` is still running, then reload." });
    }
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (r.status >= 400) throw new ApiError(r.status, body);
    return { status: r.status, body: body };
  }
  /** GET/POST ``url`` with wait=false until it is ready; ``onProgress`` gets each 202 report. */
  async function poll(url, opts, onProgress) {
    const sep = url.includes("?") ? "&" : "?";
    const full = url + sep + "wait=false";
    for (;;) {
      const r = await request(full, opts);
      if (r.status !== 202) return r.body;
      if (onProgress) onProgress(r.body);
      await new Promise((res) => setTimeout(res, 700));
    }
  }
  function errorBox(err) {
    return h("div", { class: "error-box", role: "alert" },
      h("strong", {}, err.status === 404 ? "Not found. " : err.status === 503 ? "Busy. " : "Cannot answer. "),
      err.message,
      err.hint ? h("p", { class: "hint" }, "Hint: ", err.hint) : null);
  }
  /** A progress line: spinner, what is being computed, a bar when the total is known, elapsed seconds. */
  function progressBox(label) {
    const text = h("span", {}, label + "…");
    const bar = h("progress", { max: "1", "aria-label": "progress" });
    const time = h("span", { class: "hint-text" }, "");
    const started = Date.now();
    const el = h("div", { class: "progress card", role: "status", "aria-live": "polite" }, h("span", { class: "spinner", "aria-hidden": "true" }), text, bar, time);
    const timer = setInterval(() => {
      const s = Math.round((Date.now() - started) / 1000);
      time.textContent = s >= 1 ? s + " s" : "";
    }, 500);
    return {
      el: el,
      update(p) {
        if (p.step && p.step !== "starting") text.textContent = label + ": " + p.step + "…";
        if (p.total > 0) { bar.max = p.total; bar.value = p.done; } else { bar.removeAttribute("value"); }
      },
      done() { clearInterval(timer); el.remove(); },
    };
  }

  // ------------------------------------------------------------------ charts
  async function draw(el, spec) {
    const width = Math.max(240, Math.min(el.clientWidth || 600, 1000) - 40);
    const full = Object.assign({
      config: { font: "system-ui, sans-serif", axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11, orient: "bottom" }, view: { stroke: null } },
      background: "white",
    }, spec(width));
    const compiled = vegaLite.compile(full).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: "svg", container: el, hover: true });
    await view.runAsync();
    return view;
  }
  function chartFigure(title, note, spec, onView) {
    const box = h("div", { class: "chart", role: "img", "aria-label": title });
    const fig = h("figure", { class: "chart-figure" }, h("figcaption", {}, h("strong", {}, title)), box, note ? h("p", { class: "chart-note" }, note) : null);
    requestAnimationFrame(() => {
      draw(box, spec).then((v) => onView && onView(v)).catch((e) => box.replaceWith(errorBox(new ApiError(0, { message: "The chart could not be drawn: " + e.message }))));
    });
    return fig;
  }
  const X_YEAR = { field: "year", type: "quantitative", axis: { format: "d" }, title: null };

  function historySpec(c) {
    const cols = new Set(Object.keys(c.data[0] || {}));
    const series = ["actual", "potential", "size_potential"].filter((k) => cols.has(k));
    return (w) => ({
      data: { values: c.data },
      facet: { field: "direction", type: "nominal", title: null, header: { labelFontSize: 13, labelFontWeight: "bold" } },
      columns: 1,
      resolve: { scale: { y: "independent" } },
      spec: {
        width: w, height: 190,
        layer: [
          cols.has("lower") && cols.has("upper") ? {
            transform: [{ filter: "isValid(datum.lower) && isValid(datum.upper)" }],
            mark: { type: "area", opacity: 0.18, color: "#1f4e79" },
            encoding: { x: X_YEAR, y: { field: "lower", type: "quantitative", title: c.ylabel || "USD millions" }, y2: { field: "upper" } },
          } : null,
          {
            transform: [
              { fold: series, as: ["series", "value"] },
              { filter: "isValid(datum.value)" },
              { calculate: "datum.series == 'actual' ? 'actual trade' : datum.series == 'potential' ? 'structural potential' : 'size-based potential'", as: "measure" },
            ],
            mark: { type: "line", point: { size: 30 } },
            encoding: {
              x: X_YEAR,
              y: { field: "value", type: "quantitative", title: c.ylabel || "USD millions" },
              color: { field: "measure", type: "nominal", title: null, scale: { domain: ["actual trade", "structural potential", "size-based potential"], range: ["#1d2733", "#1f4e79", "#c0504d"] } },
              strokeDash: { field: "measure", type: "nominal", title: null, scale: { domain: ["actual trade", "structural potential", "size-based potential"], range: [[1, 0], [6, 3], [2, 2]] } },
              tooltip: [{ field: "year", title: "year" }, { field: "measure" }, { field: "value", format: ",.1f", title: "USD millions" }],
            },
          },
        ].filter(Boolean),
      },
    });
  }
  function barsSpec(c, onPick) {
    const cols = new Set(Object.keys(c.data[0] || {}));
    const grouped = cols.has("group");
    const n = new Set(c.data.map((d) => d.label)).size;
    return (w) => ({
      data: { values: c.data },
      width: w - 160, height: Math.max(60, n * (grouped ? 34 : 22)),
      params: onPick ? [{ name: "pick", select: { type: "point", on: "click" } }] : undefined,
      mark: { type: "bar", cursor: onPick ? "pointer" : "default" },
      encoding: {
        y: { field: "label", type: "nominal", sort: null, title: c.ylabel || null, axis: { labelLimit: 150 } },
        x: { field: "value", type: "quantitative", title: c.xlabel || null },
        yOffset: grouped ? { field: "group" } : undefined,
        color: grouped ? { field: "group", type: "nominal", title: null }
          : cols.has("highlight") ? { condition: { test: "datum.highlight", value: "#c0504d" }, value: "#1f4e79" } : { value: "#1f4e79" },
        tooltip: [{ field: "label", title: "" }, { field: "value", format: ",.2f", title: c.xlabel || "value" }].concat(grouped ? [{ field: "group" }] : []),
      },
    });
  }
  function politicsSpec(c) {
    const hasRatio = c.data.some((d) => d.ratio !== null && d.ratio !== undefined);
    return (w) => ({
      data: { values: c.data }, width: w, height: 220,
      layer: [
        hasRatio ? {
          transform: [{ filter: "isValid(datum.ratio)" }],
          mark: { type: "bar", color: "#c9d6e3" },
          encoding: { x: X_YEAR, y: { field: "ratio", type: "quantitative", title: "actual / structural potential", axis: { orient: "right" } }, tooltip: [{ field: "year" }, { field: "ratio", format: ".2f" }] },
        } : null,
        {
          transform: [{ filter: "isValid(datum.agreement)" }],
          mark: { type: "line", color: "#1f4e79", point: { size: 25 } },
          encoding: { x: X_YEAR, y: { field: "agreement", type: "quantitative", title: c.ylabel || "UN vote agreement", scale: { domain: [0, 1] } }, tooltip: [{ field: "year" }, { field: "agreement", format: ".2f" }] },
        },
      ].filter(Boolean),
      resolve: { scale: { y: "independent" } },
    });
  }
  function sanctionsSpec(rows, year) {
    const data = rows.filter((r) => r.begin !== null && r.begin !== undefined).map((r) => ({
      label: (r.relation || "") + " #" + r.case_id, begin: r.begin, end: (r.end === null || r.end === undefined ? year : r.end) + 1,
      types: r.types || "", in_force: r.in_force === undefined ? null : r.in_force,
    }));
    return { data, spec: (w) => ({
      data: { values: data }, width: w - 200, height: Math.max(60, data.length * 22),
      layer: [
        { mark: { type: "bar", cornerRadius: 2 }, encoding: {
          y: { field: "label", type: "nominal", sort: null, title: null, axis: { labelLimit: 190 } },
          x: { field: "begin", type: "quantitative", axis: { format: "d" }, title: "years in force", scale: { zero: false } }, x2: { field: "end" },
          color: { field: "in_force", type: "nominal", title: "in force in " + year, scale: { domain: [true, false], range: ["#c0504d", "#9aa6b2"] } },
          tooltip: [{ field: "label", title: "case" }, { field: "begin", title: "from" }, { field: "end", title: "until (excl.)" }, { field: "types" }] } },
        { mark: { type: "rule", color: "#1d2733", strokeDash: [4, 3] }, encoding: { x: { datum: year } } },
      ],
    }) };
  }
  function potentialSpec(rows, year) {
    const data = rows.filter((r) => r.year === year || r.year === undefined).filter((r) => r.potential !== null && r.potential !== undefined);
    return { data, spec: (w) => ({
      data: { values: data }, width: w - 150, height: Math.max(80, data.length * 26),
      layer: [
        { mark: { type: "bar", color: "#c9d6e3" }, encoding: {
          y: { field: "direction", type: "nominal", title: null }, yOffset: { field: "measure" },
          x: { field: "potential", type: "quantitative", title: "USD millions" },
          tooltip: [{ field: "direction" }, { field: "measure" }, { field: "actual", format: ",.1f" }, { field: "potential", format: ",.1f" }, { field: "lower", format: ",.1f" }, { field: "upper", format: ",.1f" }, { field: "ratio", format: ".2f" }] } },
        { transform: [{ filter: "isValid(datum.lower) && isValid(datum.upper)" }], mark: { type: "rule", color: "#1f4e79", strokeWidth: 2 }, encoding: {
          y: { field: "direction", type: "nominal" }, yOffset: { field: "measure" }, x: { field: "lower", type: "quantitative" }, x2: { field: "upper" } } },
        { mark: { type: "point", shape: "diamond", filled: true, color: "#c0504d", size: 70 }, encoding: {
          y: { field: "direction", type: "nominal" }, yOffset: { field: "measure" }, x: { field: "actual", type: "quantitative" } } },
        { mark: { type: "text", align: "left", dx: 4, fontSize: 10 }, encoding: {
          y: { field: "direction", type: "nominal" }, yOffset: { field: "measure" }, x: { value: 2 }, text: { field: "measure" } } },
      ],
    }) };
  }

  // ------------------------------------------------------------------ tables
  function table(rows, opts) {
    if (!rows || !rows.length) return h("p", { class: "status" }, "No rows.");
    const cols = (opts && opts.columns) || Object.keys(rows[0]);
    const numeric = cols.map((c) => rows.every((r) => r[c] === null || r[c] === undefined || typeof r[c] === "number"));
    return h("div", { class: "table-wrap" }, h("table", {},
      opts && opts.caption ? h("caption", {}, opts.caption) : null,
      h("thead", {}, h("tr", {}, cols.map((c, i) => h("th", { scope: "col", class: numeric[i] ? "num" : "" }, (opts && opts.labels && opts.labels[c]) || c)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, cols.map((c, i) => {
        const v = r[c];
        const cell = opts && opts.render && opts.render[c] ? opts.render[c](v, r) : numeric[i] ? (typeof v === "number" ? (Number.isInteger(v) && c.match(/year|rank|n_|count|case/) ? String(v) : num(v)) : "") : v === null || v === undefined ? "" : String(v);
        return h("td", { class: numeric[i] ? "num" : "" }, cell);
      }))))));
  }

  // ------------------------------------------------------------------ country combobox
  let comboCount = 0;
  function countryCombo(labelText, initial) {
    const id = "country-" + (++comboCount);
    const listId = id + "-list";
    const input = h("input", { type: "text", id, name: id, autocomplete: "off", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": listId, placeholder: "name or code, e.g. Iran or IRN", value: initial || "" });
    const list = h("ul", { id: listId, role: "listbox", class: "combo-list", hidden: true, "aria-label": labelText + " suggestions" });
    const field = h("div", { class: "field" }, h("label", { for: id }, labelText, " ", h("span", { class: "hint-text" }, "(name or ISO3 code)")), input, list);
    let items = [];
    let active = -1;
    let chosen = null;
    let seq = 0;
    function close() { list.hidden = true; input.setAttribute("aria-expanded", "false"); input.removeAttribute("aria-activedescendant"); active = -1; }
    function mark(i) {
      active = i;
      [...list.children].forEach((li, k) => li.setAttribute("aria-selected", k === i ? "true" : "false"));
      if (i >= 0 && list.children[i]) { input.setAttribute("aria-activedescendant", list.children[i].id); list.children[i].scrollIntoView({ block: "nearest" }); }
    }
    function pick(c) { chosen = c; input.value = c.name + " (" + c.iso3 + ")"; close(); }
    async function suggest() {
      const q = input.value.trim();
      chosen = null;
      if (!q) { close(); return; }
      const mine = ++seq;
      try {
        const r = await request("/api/countries?limit=8&q=" + encodeURIComponent(q));
        if (mine !== seq) return;
        items = r.body.countries;
      } catch (e) { items = []; }
      clear(list);
      items.forEach((c, k) => list.append(h("li", { id: listId + "-" + k, role: "option", "aria-selected": "false", onmousedown: (ev) => { ev.preventDefault(); pick(c); } },
        c.name, h("span", { class: "code" }, c.iso3), c.has_data ? null : h("span", { class: "nodata" }, "no trade data"))));
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      mark(items.length ? 0 : -1);
    }
    let timer = null;
    input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
    input.addEventListener("keydown", (ev) => {
      if (list.hidden) return;
      if (ev.key === "ArrowDown") { ev.preventDefault(); mark(Math.min(active + 1, items.length - 1)); }
      else if (ev.key === "ArrowUp") { ev.preventDefault(); mark(Math.max(active - 1, 0)); }
      else if (ev.key === "Enter" && active >= 0) { ev.preventDefault(); pick(items[active]); }
      else if (ev.key === "Escape") { close(); }
    });
    input.addEventListener("blur", () => setTimeout(close, 150));
    return {
      field, input,
      value() {
        if (chosen) return chosen.iso3;
        const m = input.value.match(/\(([A-Z]{3})\)\s*$/);
        return m ? m[1] : input.value.trim();
      },
    };
  }

  // ------------------------------------------------------------------ pages
  function page(title, lead) {
    document.title = title + " · tradegap";
    clear(main);
    main.append(h("h1", {}, title));
    if (lead) main.append(h("p", { class: "lead" }, lead));
  }

  function home() {
    page("How much more could two countries trade?", "Pick two countries for the brief: their trade, where each ranks for the other, the structural and size-based potential, what explains the gap, sanctions, UN votes, sectors and scenarios. Or pick one country to see where its untapped trade is.");
    const a = countryCombo("First country", params.get("a") || "");
    const b = countryCombo("Second country", params.get("b") || "");
    const year = h("input", { type: "number", id: "pair-year", min: "2000", max: "2019", value: "2019" });
    const msg = h("div", { "aria-live": "polite" });
    const form = h("form", { class: "card", "aria-labelledby": "pair-h" },
      h("h2", { id: "pair-h" }, "Pair brief"),
      h("div", { class: "row" }, a.field, b.field,
        h("div", { class: "field" }, h("label", { for: "pair-year" }, "Year ", h("span", { class: "hint-text" }, "(2000–2019)")), year)),
      h("button", { type: "submit" }, "Open the brief"), msg);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      clear(msg);
      const x = a.value(), y = b.value();
      if (!x || !y) { msg.append(errorBox(new ApiError(400, { message: "Pick two countries.", hint: "Type a name or code in both fields." }))); return; }
      location.href = "/pair/" + encodeURIComponent(x) + "/" + encodeURIComponent(y) + "?year=" + encodeURIComponent(year.value || "2019");
    });
    const c = countryCombo("Country", "");
    const cyear = h("input", { type: "number", id: "country-year", min: "2000", max: "2019", value: "2019" });
    const cform = h("form", { class: "card", "aria-labelledby": "country-h" },
      h("h2", { id: "country-h" }, "One country: untapped partners and map"),
      h("div", { class: "row" }, c.field, h("div", { class: "field" }, h("label", { for: "country-year" }, "Year"), cyear)),
      h("button", { type: "submit" }, "Show untapped partners"));
    cform.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const x = c.value();
      if (x) location.href = "/country/" + encodeURIComponent(x) + "?year=" + encodeURIComponent(cyear.value || "2019");
    });
    main.append(form, cform, h("div", { class: "card" }, h("h2", {}, "More"),
      h("ul", {}, h("li", {}, h("a", { href: "/world" }, "The world's largest untapped trade flows")),
        h("li", {}, h("a", { href: "/read" }, "Check a news article against the data")),
        h("li", {}, h("a", { href: "/docs" }, "The JSON API (OpenAPI documentation)")))));
  }

  let numericCodes = null;
  async function isoNumeric() {
    if (!numericCodes) {
      const r = await request("/api/countries?limit=300");
      numericCodes = {};
      for (const c of r.body.countries) if (c.numeric !== null) numericCodes[c.iso3] = String(c.numeric).padStart(3, "0");
    }
    return numericCodes;
  }

  function mapSpec(rows, by, onPick) {
    const topo = { url: "/static/vendor/world-atlas/countries-110m.json", format: { type: "topojson", feature: "countries" } };
    return (w) => ({
      width: w, height: Math.round(w * 0.5),
      projection: { type: "equalEarth" },
      layer: [
        { data: topo, mark: { type: "geoshape", fill: "#e3e7eb", stroke: "#fff", strokeWidth: 0.5 },
          encoding: { tooltip: [{ field: "properties.name", title: "country (no estimate)" }] } },
        {
          data: topo,
          transform: [{ lookup: "id", from: { data: { values: rows }, key: "id", fields: ["iso3", "name", "untapped", "ratio", "actual", "potential"] } },
            { filter: by === "ratio" ? "isValid(datum.ratio)" : "isValid(datum.untapped)" }],
          params: onPick ? [{ name: "pick", select: { type: "point", on: "click" } }] : undefined,
          mark: { type: "geoshape", stroke: "#fff", strokeWidth: 0.5, cursor: "pointer" },
          encoding: {
            color: by === "ratio"
              ? { field: "ratio", type: "quantitative", title: "actual ÷ potential", scale: { type: "log", domain: [0.1, 10], clamp: true, scheme: "redblue", domainMid: 1 } }
              : { field: "untapped", type: "quantitative", title: "untapped, USD millions", scale: { type: "symlog", scheme: "blues" } },
            tooltip: [{ field: "name", title: "partner" }, { field: "untapped", format: ",.1f", title: "untapped (USD m)" }, { field: "actual", format: ",.1f", title: "actual (USD m)" }, { field: "potential", format: ",.1f", title: "potential (USD m)" }, { field: "ratio", format: ".2f", title: "actual ÷ potential" }],
          },
        },
      ],
    });
  }

  async function countryPage(code) {
    const year = yearParam(2019, 2000, 2019);
    page("Untapped trade: " + code, "Partners ranked by untapped trade: structural potential minus actual trade, exports and imports together, " + year + ", USD millions (CEPII BACI). Click a partner for the pair brief.");
    const prog = progressBox("Computing the structural potential of every pair");
    main.append(prog.el);
    let d;
    try {
      d = await poll("/api/untapped/" + encodeURIComponent(code) + "?year=" + year, {}, prog.update);
    } catch (e) { prog.done(); main.append(errorBox(e)); return; }
    prog.done();
    const codes = await isoNumeric().catch(() => ({}));
    const name = (await request("/api/countries?limit=1&q=" + encodeURIComponent(d.country)).then((r) => r.body.countries[0].name).catch(() => d.country));
    main.querySelector("h1").textContent = "Untapped trade: " + name + ", " + d.year;
    document.title = "Untapped trade: " + name + " · tradegap";
    const goPair = (p) => { location.href = "/pair/" + d.country + "/" + p + "?year=" + d.year; };
    const top = d.table.filter((r) => r.untapped > 0).slice(0, 20).map((r) => ({ label: r.partner_name, value: r.untapped, partner: r.partner }));
    const bars = chartFigure("Largest untapped partners (USD millions)", "Untapped = structural potential − actual trade (both directions). Click a bar for the pair brief.",
      barsSpec({ data: top, xlabel: "untapped, USD millions" }, true),
      (v) => v.addEventListener("click", (_e, item) => { if (item && item.datum && item.datum.partner) goPair(item.datum.partner); }));
    const rows = d.table.map((r) => ({ id: codes[r.partner], iso3: r.partner, name: r.partner_name, untapped: r.untapped, ratio: r.ratio, actual: r.actual, potential: r.potential })).filter((r) => r.id);
    const mapBox = h("div", {});
    const radios = h("fieldset", {}, h("legend", {}, "Colour the map by"),
      h("label", { class: "choice" }, h("input", { type: "radio", name: "mapby", value: "untapped", checked: true }), "untapped value"),
      h("label", { class: "choice" }, h("input", { type: "radio", name: "mapby", value: "ratio" }), "actual ÷ potential"));
    function drawMap(by) {
      clear(mapBox).append(chartFigure("World map: " + (by === "ratio" ? "actual ÷ potential trade with " : "untapped trade with ") + name, by === "ratio" ? "Below 1 (red): trades less than its potential with this partner; above 1 (blue): more." : "Darker: more untapped trade. Grey: no estimate.",
        mapSpec(rows, by, true), (v) => v.addEventListener("click", (_e, item) => { if (item && item.datum && item.datum.iso3) goPair(item.datum.iso3); })));
    }
    radios.addEventListener("change", (ev) => drawMap(ev.target.value));
    drawMap("untapped");
    main.append(h("section", { class: "card", "aria-label": "ranking" }, bars),
      h("section", { class: "card", "aria-label": "map" }, radios, mapBox),
      h("section", { class: "card" }, h("h2", {}, "All partners"),
        h("details", {}, h("summary", {}, "Table of " + d.table.length + " partners"),
          table(d.table, {
            columns: ["rank", "partner_name", "actual", "potential", "untapped", "ratio"],
            labels: { partner_name: "partner", actual: "actual", potential: "potential", untapped: "untapped", ratio: "actual ÷ potential" },
            render: { partner_name: (v, r) => h("a", { href: "/pair/" + d.country + "/" + r.partner + "?year=" + d.year }, v) },
          })),
        h("ul", { class: "sources" }, d.notes.map((n) => h("li", {}, n)))));
  }

  async function worldPage() {
    const year = yearParam(2019, 2000, 2019);
    page("The world's largest untapped trade flows, " + year, "Directed flows (exporter → importer) with the largest structural potential minus actual trade, USD millions (CEPII BACI). Click a flow for the pair brief.");
    const prog = progressBox("Computing the structural potential of every pair");
    main.append(prog.el);
    let d;
    try { d = await poll("/api/untapped?top=50&year=" + year, {}, prog.update); } catch (e) { prog.done(); main.append(errorBox(e)); return; }
    prog.done();
    const top = d.table.slice(0, 25).map((r) => ({ label: r.exporter_name + " → " + r.importer_name, value: r.untapped, a: r.exporter, b: r.importer }));
    main.append(h("section", { class: "card" }, chartFigure("Largest untapped flows (USD millions)", "Click a bar for the pair brief.", barsSpec({ data: top, xlabel: "untapped, USD millions" }, true),
      (v) => v.addEventListener("click", (_e, item) => { if (item && item.datum && item.datum.a) location.href = "/pair/" + item.datum.a + "/" + item.datum.b + "?year=" + d.year; }))),
    h("section", { class: "card" }, h("h2", {}, "Top " + d.table.length + " of " + d.n_pairs.toLocaleString("en-US") + " flows"),
      table(d.table, {
        columns: ["rank", "exporter_name", "importer_name", "actual", "potential", "untapped", "ratio"],
        labels: { exporter_name: "exporter", importer_name: "importer", ratio: "actual ÷ potential" },
        render: { exporter_name: (v, r) => h("a", { href: "/pair/" + r.exporter + "/" + r.importer + "?year=" + d.year }, v) },
      }),
      h("ul", { class: "sources" }, d.notes.map((n) => h("li", {}, n)))));
  }

  function sectionCard(s, brief) {
    const card = h("section", { class: "card brief-section", id: "sec-" + s.key, "aria-labelledby": "h-" + s.key }, h("h2", { id: "h-" + s.key }, s.title));
    if (s.status !== "ok") { card.append(h("div", { class: "notice" }, paragraphs(s.text))); return card; }
    card.append(paragraphs(s.text));
    const c = s.chart;
    if (c && c.data && c.data.length) {
      const spec = c.kind === "history" ? historySpec(c) : c.kind === "politics" ? politicsSpec(c) : barsSpec(c);
      card.append(chartFigure(c.title, c.note, spec));
    } else if (s.key === "sanctions" && s.table && s.table.some((r) => r.begin !== undefined)) {
      const sp = sanctionsSpec(s.table, brief.year);
      if (sp.data.length) card.append(chartFigure("Sanction cases over time", "Bars: years each GSDB case was in force (red: in force in " + brief.year + "); dashed line: " + brief.year + ".", sp.spec));
    } else if (s.key === "potential" && s.table && s.table.length) {
      const sp = potentialSpec(s.table, brief.year);
      if (sp.data.length) card.append(chartFigure("Actual trade against both potentials, " + brief.year, "Bars: potential; line: its band; red diamond: actual trade (USD millions).", sp.spec));
    }
    if (s.table && s.table.length) card.append(h("details", {}, h("summary", {}, "Table"), table(s.table)));
    if (s.sources && s.sources.length) card.append(h("p", { class: "sources" }, "Sources: " + s.sources.join("; ")));
    return card;
  }

  async function pairPage(a, b) {
    const asked = parseInt(params.get("year") || "2019", 10);
    const year = Number.isInteger(asked) ? asked : 2019;  // out-of-range years get the API's explanation
    page(a + " – " + b + ": trade potential brief, " + year);
    const holder = h("div", {});
    const scen = scenarioPanel(a, b, year >= 2000 && year <= 2019 ? year : 2019);
    main.append(holder, scen);
    const prog = progressBox("Building the brief");
    holder.append(prog.el);
    let d;
    try {
      d = await poll("/api/brief/" + encodeURIComponent(a) + "/" + encodeURIComponent(b) + "?year=" + year, {}, prog.update);
    } catch (e) { prog.done(); holder.append(errorBox(e)); return; }
    prog.done();
    main.querySelector("h1").textContent = d.title;
    document.title = d.title + " · tradegap";
    const sections = d.sections.filter((s) => s.key !== "summary");
    holder.append(
      h("div", { class: "headline" }, paragraphs(d.headline)),
      h("nav", { class: "toc", "aria-label": "Sections" }, sections.map((s) => h("a", { href: "#sec-" + s.key }, s.title)), h("a", { href: "#scenario" }, "Try a scenario"), h("a", { href: "/brief/" + d.a + "/" + d.b + "?year=" + d.year }, "Printable brief")),
      ...sections.map((s) => sectionCard(s, d)));
  }

  function scenarioPanel(a, b, year) {
    const radio = (value, label, checked) => h("label", { class: "choice" }, h("input", { type: "radio", name: "scenario", value, checked }), label);
    const slider = h("input", { type: "range", id: "cost-slider", min: "-50", max: "50", step: "5", value: "-20", "aria-describedby": "cost-value" });
    const sliderOut = h("output", { id: "cost-value", for: "cost-slider" }, "−20%");
    const result = h("div", { id: "scenario-result", "aria-live": "polite" });
    const panel = h("section", { class: "card", id: "scenario", "aria-labelledby": "scenario-h" },
      h("h2", { id: "scenario-h" }, "Scenario: what would change trade between " + a + " and " + b),
      h("p", { class: "lead" }, "General-equilibrium structural gravity on CEPII BACI " + year + " (endowment economies). Central value at σ = 7; the band is the range over σ = 5 to 9, the literature's usual range."),
      h("fieldset", {}, h("legend", {}, "Scenario"),
        radio("fta", "Free-trade agreement between the two", false),
        radio("lifted", "Trade sanctions on both lifted", false),
        radio("cost", "Change the pair's trade cost", true)),
      h("div", { class: "field" }, h("label", { for: "cost-slider" }, "Trade-cost change: ", sliderOut), slider),
      result);
    let seq = 0;
    function spec(kind, sigma) {
      const base = { name: "", year, sigma, pair: [a, b], costs: "calibrated", data: { source: "baci" } };
      if (kind === "fta") return Object.assign(base, { name: "FTA " + a + "-" + b, change: [{ type: "set", variable: "fta", value: 1, between: [[a], [b]] }] });
      if (kind === "lifted") return Object.assign(base, { name: "Sanctions on " + a + " and " + b + " lifted", change: [{ type: "set", variable: "sanction", value: 0, between: [[a, b], ["*"]] }] });
      const p = Number(slider.value);
      return Object.assign(base, { name: "Trade cost " + a + "-" + b + " " + (p > 0 ? "+" : "") + p + "%", change: [{ type: "scale", percent: p, between: [[a], [b]] }] });
    }
    function pick(res, code, col) { const r = res.countries.find((c) => c.country === code); return r ? r[col] : null; }
    async function run() {
      const kind = panel.querySelector("input[name=scenario]:checked").value;
      const mine = ++seq;
      const prog = progressBox("Solving the general equilibrium");
      clear(result).append(prog.el);
      try {
        const opts = (s) => ({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec(kind, s)) });
        const [lo, mid, hi] = await Promise.all([5, 7, 9].map((s) => poll("/api/scenarios", opts(s), s === 7 ? prog.update : null)));
        if (mine !== seq) return;
        prog.done();
        const A = mid.pair ? mid.pair.a : a, B = mid.pair ? mid.pair.b : b;
        const measures = [
          ["pair trade", (r) => r.pair ? r.pair.trade_change_pct : null],
          [A + " exports", (r) => pick(r, A, "exports_change_pct")],
          [B + " exports", (r) => pick(r, B, "exports_change_pct")],
          [A + " real GDP", (r) => pick(r, A, "real_gdp_change_pct")],
          [B + " real GDP", (r) => pick(r, B, "real_gdp_change_pct")],
        ];
        const rows = measures.map(([label, f]) => {
          const vals = [f(lo), f(mid), f(hi)].filter((v) => v !== null && v !== undefined);
          return { label, value: f(mid), lower: Math.min(...vals), upper: Math.max(...vals) };
        });
        clear(result).append(
          h("p", {}, h("strong", {}, mid.scenario), ": " + (mid.changes || []).join("; ")),
          h("div", { class: "kpis" }, rows.map((r) => h("div", { class: "kpi" }, h("div", { class: "k" }, r.label), h("div", { class: "v", "data-measure": r.label }, pct(r.value, Math.abs(r.value) < 1 ? 3 : 1)), h("div", { class: "band" }, "σ 5–9: " + pct(r.lower, 3) + " to " + pct(r.upper, 3))))),
          chartFigure("Change with the scenario (%)", "Bars: σ = 7; lines: range over σ = 5–9.", (w) => ({
            data: { values: rows }, width: w - 140, height: rows.length * 28,
            layer: [
              { mark: { type: "bar", color: "#1f4e79" }, encoding: { y: { field: "label", type: "nominal", sort: null, title: null }, x: { field: "value", type: "quantitative", title: "% change" }, tooltip: [{ field: "label", title: "" }, { field: "value", format: ".3f", title: "% (σ = 7)" }, { field: "lower", format: ".3f" }, { field: "upper", format: ".3f" }] } },
              { mark: { type: "rule", color: "#c0504d", strokeWidth: 2 }, encoding: { y: { field: "label", type: "nominal", sort: null }, x: { field: "lower", type: "quantitative" }, x2: { field: "upper" } } },
            ],
          })),
          h("details", {}, h("summary", {}, "Assumptions"), h("ul", { class: "sources" }, mid.assumptions.map((t) => h("li", {}, t)))));
      } catch (e) {
        if (mine !== seq) return;
        prog.done();
        clear(result).append(errorBox(e));
      }
    }
    let timer = null;
    const later = () => { clearTimeout(timer); timer = setTimeout(run, 250); };
    slider.addEventListener("input", () => {
      const p = Number(slider.value);
      sliderOut.textContent = (p > 0 ? "+" : p < 0 ? "−" : "") + Math.abs(p) + "%";
      panel.querySelector("input[value=cost]").checked = true;
      later();
    });
    panel.addEventListener("change", (ev) => { if (ev.target.name === "scenario") later(); });
    run();
    return panel;
  }

  // ------------------------------------------------------------------ article check
  function verdictClass(v) {
    const k = String(v || "").split(":")[0].trim().toLowerCase();
    if (k === "consistent") return "v-consistent";
    if (k === "inconsistent") return "v-inconsistent";
    if (k === "higher than data" || k === "lower than data") return "v-partly";
    return "v-other";
  }
  function claimVerdict(checks) {
    const vs = checks.map((c) => c.verdict);
    return vs.find((v) => v === "inconsistent") || vs.find((v) => !String(v).startsWith("not checkable")) || vs[0] || "not checked";
  }
  function readPage() {
    page("Check an article", "Paste a news article or upload it (.html or .txt, up to 1 MB). tradegap finds the countries and the pair it is about, picks out its claims (amounts, growth, ranks, sanctions, neighbourhood, potential) and sets each against the data.");
    const text = h("textarea", { id: "article-text", name: "text", "aria-describedby": "article-help" });
    const file = h("input", { type: "file", id: "article-file", name: "file", accept: ".txt,.html,.htm,text/plain,text/html" });
    const year = h("input", { type: "number", id: "article-year", min: "1990", max: "2020", placeholder: "auto" });
    const go = h("button", { type: "submit" }, "Check the article");
    const out = h("div", { id: "read-result" });
    const form = h("form", { class: "card" },
      h("div", { class: "field" }, h("label", { for: "article-text" }, "Article text"), h("p", { id: "article-help", class: "hint-text" }, "Plain text or HTML; the claims are highlighted in the text below once checked."), text),
      h("div", { class: "row" },
        h("div", { class: "field" }, h("label", { for: "article-file" }, "…or upload a file ", h("span", { class: "hint-text" }, "(.html or .txt)")), file),
        h("div", { class: "field" }, h("label", { for: "article-year" }, "Year ", h("span", { class: "hint-text" }, "(optional)")), year)),
      go);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      clear(out);
      let opts;
      if (file.files && file.files.length) {
        const fd = new FormData();
        fd.append("file", file.files[0]);
        if (year.value) fd.append("year", year.value);
        opts = { method: "POST", body: fd };
      } else {
        if (!text.value.trim()) { out.append(errorBox(new ApiError(400, { message: "The article is empty.", hint: "Paste the article's text or choose a file." }))); return; }
        opts = { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: text.value, year: year.value ? Number(year.value) : null }) };
      }
      go.disabled = true;
      const prog = progressBox("Reading the article and checking its claims");
      out.append(prog.el);
      try {
        const d = await poll("/api/read", opts, prog.update);
        prog.done();
        showReading(out, d);
      } catch (e) { prog.done(); out.append(errorBox(e)); }
      go.disabled = false;
    });
    main.append(form, out);
  }
  function showReading(out, d) {
    const byClaim = {};
    for (const c of d.checks) (byClaim[c.claim] = byClaim[c.claim] || []).push(c);
    const pairs = h("section", { class: "card", id: "pairs-found" }, h("h2", {}, "Countries and pairs found"),
      h("p", {}, d.summary),
      d.main_pair ? h("p", {}, "Main pair: ", h("a", { href: "/pair/" + d.main_pair[0] + "/" + d.main_pair[1] + (d.year ? "?year=" + d.year : ""), id: "main-pair" }, d.main_pair.join(" – ")), " — open its brief.") : null,
      d.pairs.length ? h("ul", { class: "pairs-list" }, d.pairs.slice(0, 6).map((p) => h("li", {}, p.a + " – " + p.b + ": score " + p.score + " (" + p.same_sentence + " sentences naming both)"))) : null,
      d.messages.map((m) => h("p", { class: "notice" }, m)));
    // the text with claims highlighted (overlapping claims: the first one is marked)
    const textEl = h("div", { class: "article-text", id: "article-view", tabindex: "0", "aria-label": "The article with its claims highlighted" });
    const claims = d.claims.slice().sort((x, y) => x.start - y.start);
    let pos = 0;
    const cards = {};
    for (const c of claims) {
      if (c.start < pos || c.end <= c.start) continue;
      textEl.append(d.text.slice(pos, c.start));
      const checks = byClaim[c.claim] || [];
      const v = claimVerdict(checks);
      const m = h("mark", { class: "claim " + verdictClass(v), tabindex: "0", id: "claim-" + c.claim, "data-claim": c.claim, "aria-describedby": "check-" + c.claim, title: v }, d.text.slice(c.start, c.end));
      const focus = () => {
        textEl.querySelectorAll("mark.active").forEach((x) => x.classList.remove("active"));
        document.querySelectorAll(".check-card.active").forEach((x) => x.classList.remove("active"));
        m.classList.add("active");
        if (cards[c.claim]) { cards[c.claim].classList.add("active"); cards[c.claim].scrollIntoView({ block: "nearest" }); }
      };
      m.addEventListener("click", focus);
      m.addEventListener("focus", focus);
      textEl.append(m);
      pos = c.end;
    }
    textEl.append(d.text.slice(pos));
    const list = h("ol", { class: "checks" }, d.claims.map((c) => {
      const checks = byClaim[c.claim] || [];
      const card = h("li", { class: "check-card", id: "check-" + c.claim },
        h("p", {}, h("span", { class: "verdict " + verdictClass(claimVerdict(checks)) }, claimVerdict(checks)), " ", h("a", { href: "#claim-" + c.claim }, "“" + (c.quote.length > 140 ? c.quote.slice(0, 137) + "…" : c.quote) + "”")),
        checks.map((k) => h("div", {},
          h("p", {}, h("strong", {}, k.check + ": "), h("span", { class: "verdict " + verdictClass(k.verdict) }, k.verdict), " ", k.data || ""),
          h("p", { class: "sources" }, [k.source, k.data_year ? "year " + k.data_year : null, k.tolerance, k.note].filter(Boolean).join(" · ")))));
      cards[c.claim] = card;
      return card;
    }));
    out.append(pairs, h("div", { class: "grid2" },
      h("section", { class: "card", "aria-labelledby": "text-h" }, h("h2", { id: "text-h" }, "The article, claims highlighted"),
        h("p", { class: "hint-text" }, "Green: consistent with the data; amber: higher or lower than the data; red: inconsistent; grey: not checkable. Tab to a claim to see its check."), textEl),
      h("section", { class: "card", "aria-labelledby": "checks-h" }, h("h2", { id: "checks-h" }, d.claims.length + " claims, " + d.checks.length + " checks"), list)));
  }

  // ------------------------------------------------------------------ router
  function route() {
    const parts = location.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    if (parts.length === 0) return home();
    if (parts[0] === "country" && parts.length === 2) return countryPage(parts[1]);
    if (parts[0] === "pair" && parts.length === 3) return pairPage(parts[1], parts[2]);
    if (parts[0] === "read") return readPage();
    if (parts[0] === "world") return worldPage();
    page("Not found");
    main.append(errorBox(new ApiError(404, { message: "There is no page here.", hint: "Start from the home page." })));
  }
  route();
})();
