#!/usr/bin/env python3
"""Renders a Grafana dashboard's JSON against a Prometheus into one static HTML page, and optionally a PNG of it.

A preview, not Grafana: it reads the dashboard (panels of type row, timeseries and stat), runs each panel's PromQL
targets over Prometheus' HTTP API (/api/v1/query_range) for the time window given, with the dashboard's variables
and Grafana's $__interval, $__rate_interval and $__range substituted much as Grafana would (interval: the window
over the panel's width in pixels, at least the scrape interval, in whole seconds; rate interval: the larger of
interval + scrape interval and 4 scrape intervals), and lays the panels out by their gridPos (24 columns, rows of
30 px and 8 px gaps) with their titles, units, legends, stacking, fixed colours, dashed-line overrides and stat
thresholds, drawn by Apache ECharts inlined from its webjar (the page opens offline). A stat shows each series'
last value, as Grafana's "Last *" reduction does. Everything else of Grafana (transformations, other panel types,
links) is ignored.

    python3 preview.py --dashboard spillway-dashboard.json --prometheus http://127.0.0.1:19090 \\
        --from 2026-12-01T21:47:04 --to 2026-12-01T21:50:09 --scrape-interval 5s \\
        --out preview.html --png dashboard.png

--png runs headless Chromium (--chromium, default: chromium on PATH) on the page. Python 3 standard library only.
"""
import argparse
import datetime
import glob
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
ECHARTS_IN_JAR = "META-INF/resources/webjars/echarts/{v}/dist/echarts.common.min.js"
# Grafana's grid: 24 columns; a row unit is 30 px high with 8 px between panels.
COLUMNS, ROW_PX, GAP_PX, HEADER_PX, FOOTER_PX = 24, 30, 8, 64, 34


def seconds(text):
    """'5s', '1m', '250ms' or a plain number of seconds."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(ms|s|m|h)?", text.strip())
    if not m:
        raise ValueError("not a duration: " + text)
    return float(m.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[m.group(2)]


def instant(text):
    """Epoch seconds, or an ISO 8601 time (UTC unless it says otherwise)."""
    try:
        return float(text)
    except ValueError:
        t = datetime.datetime.fromisoformat(text)
        return (t if t.tzinfo else t.replace(tzinfo=datetime.timezone.utc)).timestamp()


def duration(s):
    """A PromQL duration of whole seconds (at least 1)."""
    return "%ds" % max(1, math.ceil(s))


def echarts_source(path):
    """ECharts from a .js file or its webjar (.jar); by default the webjar the load-tests build copies."""
    if path is None:
        jars = sorted(glob.glob(os.path.join(HERE, "..", "..", "..", "target", "lib", "echarts-*.jar")))
        if not jars:
            sys.exit("error: no ECharts webjar in load-tests/target/lib (run mvn -B -q package -DskipTests) "
                     "and no --echarts given")
        path = jars[-1]
    if path.endswith(".jar"):
        version = re.search(r"echarts-([\d.]+)\.jar$", path).group(1)
        with zipfile.ZipFile(path) as jar:
            return jar.read(ECHARTS_IN_JAR.format(v=version)).decode("utf-8")
    with open(path, encoding="utf-8") as f:
        return f.read()


class Prometheus:
    def __init__(self, url):
        self.url = url.rstrip("/")

    def query_range(self, expr, start, end, step):
        params = urllib.parse.urlencode({"query": expr, "start": start, "end": end, "step": step})
        try:
            with urllib.request.urlopen(self.url + "/api/v1/query_range?" + params, timeout=60) as r:
                body = json.load(r)
        except urllib.error.HTTPError as e:
            body = json.load(e)
        if body.get("status") != "success":
            raise RuntimeError("%s: %s" % (body.get("errorType"), body.get("error")))
        return body["data"]["result"]


def variables(dashboard, given):
    """Each templating variable's value: as given (a|b for several), else its 'All' (allValue, or .*)."""
    values = {}
    for v in dashboard.get("templating", {}).get("list", []):
        if v.get("type") == "datasource":
            continue
        if v["name"] in given:
            values[v["name"]] = given[v["name"]]
        else:
            values[v["name"]] = v.get("allValue") or ".*"
    unknown = set(given) - set(values)
    if unknown:
        sys.exit("error: the dashboard has no variable " + ", ".join(sorted(unknown)))
    return values


def substitute(expr, values):
    for name in sorted(values, key=len, reverse=True):
        expr = expr.replace("${%s}" % name, values[name]).replace("$" + name, values[name])
    if "$" in expr:
        raise ValueError("a variable this preview does not know is left in: " + expr)
    return expr


def legend(fmt, metric):
    if not fmt:
        labels = ",".join('%s="%s"' % (k, v) for k, v in sorted(metric.items()) if k != "__name__")
        return metric.get("__name__", "") + ("{%s}" % labels if labels else "")
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: metric.get(m.group(1), ""), fmt)


def overrides(panel, name):
    """The override properties of the series called name (byName and byRegexp matchers)."""
    props = {}
    for o in panel.get("fieldConfig", {}).get("overrides", []):
        m = o.get("matcher", {})
        if (m.get("id") == "byName" and m.get("options") == name) or \
                (m.get("id") == "byRegexp" and re.fullmatch(m.get("options", ""), name)):
            for p in o.get("properties", []):
                props[p["id"]] = p["value"]
    return props


def render_panel(panel, prometheus, values, start, end, scrape, page_width):
    defaults = panel.get("fieldConfig", {}).get("defaults", {})
    custom = defaults.get("custom", {})
    grid = panel["gridPos"]
    width_px = grid["w"] * page_width / COLUMNS
    interval = max(scrape, (end - start) / max(1.0, width_px))
    step = max(1, math.ceil(interval))
    builtins = {"__rate_interval": duration(max(step + scrape, 4 * scrape)), "__interval": duration(step),
                "__range": duration(end - start)}
    out = {"type": panel["type"], "title": panel.get("title", ""), "grid": grid, "unit": defaults.get("unit", ""),
           "decimals": defaults.get("decimals"), "stacked": custom.get("stacking", {}).get("mode") == "normal",
           "fill": custom.get("fillOpacity", 0), "thresholds": defaults.get("thresholds", {}).get("steps"),
           "graph": panel.get("options", {}).get("graphMode", "none"), "series": [], "queries": []}
    for target in panel.get("targets", []):
        if target.get("hide"):
            continue
        expr = substitute(target["expr"], {**values, **builtins})
        out["queries"].append(expr)
        try:
            result = prometheus.query_range(expr, start, end, step)
        except (RuntimeError, OSError) as e:
            raise RuntimeError("panel '%s', query %s: %s" % (out["title"], expr, e)) from e
        for r in result:
            name = legend(target.get("legendFormat", ""), r["metric"])
            props = overrides(panel, name)
            # Every step of the window, null where the series has no sample (a node down): a gap, not a line.
            sampled = {round((float(t) - start) / step): None if v in ("NaN", "+Inf", "-Inf") else float(v)
                       for t, v in r["values"]}
            points = [[int((start + k * step) * 1000), sampled.get(k)]
                      for k in range(int((end - start) // step) + 1)]
            out["series"].append({
                "name": name, "points": points,
                "dashed": props.get("custom.lineStyle", {}).get("fill") == "dash",
                "fill": props.get("custom.fillOpacity", out["fill"]),
                "color": props.get("color", {}).get("fixedColor"),
                "thresholds": (props.get("thresholds") or {}).get("steps")})
    out["series"].sort(key=lambda s: s["name"])
    return out


def render(dashboard, prometheus, values, start, end, scrape, width, echarts, source):
    panels = list(dashboard["panels"])
    for row in [p for p in panels if p["type"] == "row"]:
        panels.extend(row.get("panels", []))  # the panels of collapsed rows
    drawn = []
    for p in panels:
        if p["type"] in ("timeseries", "stat"):
            drawn.append(render_panel(p, prometheus, values, start, end, scrape, width))
        elif p["type"] == "row":
            drawn.append({"type": "row", "title": p.get("title", ""), "grid": p["gridPos"]})
        else:
            print("skipped panel '%s' of type %s" % (p.get("title"), p["type"]), file=sys.stderr)
    rows = max(p["grid"]["y"] + p["grid"]["h"] for p in drawn)
    height = HEADER_PX + rows * (ROW_PX + GAP_PX) + FOOTER_PX
    utc = lambda t: datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    page = {
        "title": dashboard.get("title", ""), "width": width, "rows": rows, "rowPx": ROW_PX, "gapPx": GAP_PX,
        "start": start * 1000, "end": end * 1000, "panels": drawn,
        "variables": ", ".join("%s: %s" % (k, "All" if v == ".*" else v) for k, v in values.items()),
        "range": "%s to %s UTC" % (utc(start), utc(end)),
        "footer": "Preview, not Grafana: %s rendered by load-tests/src/main/dashboard-preview/preview.py from "
                  "Prometheus %s, %s, scrape interval %gs" % (source, prometheus.url, utc(start)[:10], scrape)}
    html = TEMPLATE.replace("/*ECHARTS*/", echarts.replace("</script", "<\\/script")) \
        .replace("/*PAGE*/", json.dumps(page).replace("</", "<\\/"))
    return html, height


def screenshot(chromium, html_file, png, width, height):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--no-first-run", "--disable-background-networking", "--disable-component-update",
                        "--disable-sync", "--user-data-dir=" + profile, "--window-size=%d,%d" % (width, height),
                        "--virtual-time-budget=10000", "--screenshot=" + os.path.abspath(png),
                        "file://" + os.path.abspath(html_file)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def main(argv=None):
    a = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    a.add_argument("--dashboard", required=True, help="the Grafana dashboard JSON")
    a.add_argument("--prometheus", required=True, help="Prometheus' base URL, e.g. http://127.0.0.1:9090")
    a.add_argument("--from", dest="start", required=True, type=instant, help="epoch seconds or ISO 8601 (UTC)")
    a.add_argument("--to", dest="end", required=True, type=instant, help="epoch seconds or ISO 8601 (UTC)")
    a.add_argument("--scrape-interval", default="15s", type=seconds,
                   help="the data source's scrape interval, as set in Grafana (default 15s)")
    a.add_argument("--var", action="append", default=[], metavar="NAME=VALUE",
                   help="a variable's value (a regex; default: All)")
    a.add_argument("--width", type=int, default=1600, help="page width in pixels (default 1600)")
    a.add_argument("--echarts", help="echarts.min.js or its webjar (default: load-tests/target/lib/echarts-*.jar)")
    a.add_argument("--out", required=True, help="the HTML page to write")
    a.add_argument("--png", help="also take a screenshot of the page into this PNG, with headless Chromium")
    a.add_argument("--chromium", default="chromium", help="the Chromium to run for --png (default: chromium)")
    args = a.parse_args(argv)
    if args.end <= args.start:
        a.error("--to must be after --from")
    with open(args.dashboard, encoding="utf-8") as f:
        dashboard = json.load(f)
    given = dict(v.split("=", 1) for v in args.var)
    try:
        html, height = render(dashboard, Prometheus(args.prometheus), variables(dashboard, given), args.start,
                              args.end, args.scrape_interval, args.width, echarts_source(args.echarts),
                              os.path.basename(args.dashboard))
    except (RuntimeError, ValueError) as e:
        sys.exit("error: %s" % e)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(html)
    print("wrote %s (%dx%d px)" % (args.out, args.width, height))
    if args.png:
        screenshot(args.chromium, args.out, args.png, args.width, height)
        print("wrote " + args.png)


TEMPLATE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Dashboard preview</title>
<style>
  body { margin: 0; background: #111217; color: #ccccdc; font: 13px/1.3 Inter, "DejaVu Sans", sans-serif; }
  #header { height: 48px; padding: 8px 16px 0; display: flex; align-items: baseline; gap: 24px; }
  #header h1 { font-size: 20px; font-weight: 500; margin: 0; color: #fff; }
  #header span { color: #9fa7b3; }
  #grid { position: relative; margin: 0 8px; }
  .panel { position: absolute; background: #181b1f; border: 1px solid #2c3235; border-radius: 2px;
           box-sizing: border-box; display: flex; flex-direction: column; }
  .panel .title { font-weight: 500; padding: 6px 8px 0; color: #ccccdc; white-space: nowrap; overflow: hidden; }
  .panel .body { flex: 1; position: relative; }
  .row { position: absolute; font-size: 15px; font-weight: 500; color: #fff; padding: 6px 0 0 4px;
         box-sizing: border-box; }
  .stat { position: absolute; inset: 0; display: flex; gap: 6px; padding: 4px 8px; }
  .stat .cell { flex: 1; position: relative; display: flex; flex-direction: column; justify-content: center;
                align-items: center; min-width: 0; }
  .stat .value { font-size: 30px; font-weight: 500; z-index: 1; white-space: nowrap; }
  .stat .name { color: #9fa7b3; z-index: 1; white-space: nowrap; }
  .stat .spark { position: absolute; inset: 0; }
  #footer { color: #7b8087; padding: 6px 16px; }
</style>
<script>/*ECHARTS*/</script></head>
<body>
<div id="header"><h1 id="title"></h1><span id="range"></span><span id="vars"></span></div>
<div id="grid"></div>
<div id="footer"></div>
<script>
const page = /*PAGE*/;
const palette = ['#73BF69', '#F2CC0C', '#8AB8FF', '#FF780A', '#F2495C', '#5794F2', '#B877D9', '#705DA0',
                 '#37872D', '#FADE2A', '#447EBC', '#C15C17'];
const named = {green: '#73BF69', red: '#F2495C', orange: '#FF9830', yellow: '#FADE2A', purple: '#B877D9',
               blue: '#5794F2', text: '#ccccdc'};
const colour = c => named[c] || c;

function scaled(v, base, units) {
  let i = 0;
  while (Math.abs(v) >= base && i < units.length - 1) { v /= base; i++; }
  return [v, units[i]];
}
function fixed(v, decimals) {
  if (decimals != null) return v.toFixed(decimals);
  const a = Math.abs(v);
  return (a >= 100 || v === Math.round(v) ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2))
    .replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}
// Grafana's units this dashboard uses: bytes and binBps (IEC), s, ops, short.
function format(unit, v, decimals) {
  if (v == null || isNaN(v)) return '-';
  const iec = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  if (unit === 'bytes') { const [x, u] = scaled(v, 1024, iec); return fixed(x, decimals) + ' ' + u; }
  if (unit === 'binBps') { const [x, u] = scaled(v, 1024, iec); return fixed(x, decimals) + ' ' + u + '/s'; }
  if (unit === 's') {
    const a = Math.abs(v);
    if (a === 0) return '0 s';
    if (a < 1e-3) return fixed(v * 1e6, decimals) + ' µs';
    if (a < 1) return fixed(v * 1e3, decimals) + ' ms';
    if (a < 60) return fixed(v, decimals) + ' s';
    return fixed(v / 60, decimals) + ' min';
  }
  const [x, u] = scaled(v, 1000, ['', 'K', 'M', 'B', 'T']);
  return fixed(x, decimals) + (u ? ' ' + u : '') + (unit === 'ops' ? ' ops/s' : '');
}
function thresholdColour(steps, v) {
  let c = 'text';
  for (const s of steps || []) if (s.value == null || (v != null && v >= s.value)) c = s.color;
  return colour(c);
}
function lastNotNull(points) {
  for (let i = points.length - 1; i >= 0; i--) if (points[i][1] != null) return points[i][1];
  return null;
}
const axisText = {color: '#9fa7b3', fontSize: 11};
const split = {lineStyle: {color: '#2c3235'}};
// Axis times in UTC, with seconds when the window is under 20 minutes.
const clock = t => new Date(t).toISOString().substring(11, page.end - page.start < 1200e3 ? 19 : 16);

// Byte axes step in whole IEC units (10 MiB, not 9.54), as Grafana's do: about four steps over the data.
function iecAxis(p) {
  let top = 0, bottom = 0;
  const n = p.series.length ? p.series[0].points.length : 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const s of p.series) {
      const v = s.points[i][1];
      if (v == null) continue;
      if (p.stacked) sum += v; else { top = Math.max(top, v); bottom = Math.min(bottom, v); }
    }
    if (p.stacked) top = Math.max(top, sum);
  }
  const raw = (top - bottom) / 4;
  if (!(raw > 0)) return {};
  const base = Math.pow(1024, Math.max(0, Math.floor(Math.log(raw) / Math.log(1024))));
  const step = base * [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find(m => m * base >= raw);
  return {interval: step, max: Math.ceil(top / step) * step, min: Math.floor(bottom / step) * step};
}

function timeseries(el, p) {
  const opt = {
    animation: false, color: palette,
    grid: {left: 8, right: 16, top: 10, bottom: 28, containLabel: true},
    legend: {bottom: 0, left: 4, type: 'scroll', icon: 'rect', itemWidth: 14, itemHeight: 3,
             textStyle: {color: '#ccccdc', fontSize: 11}, pageTextStyle: {color: '#ccccdc'}},
    xAxis: {type: 'time', min: page.start, max: page.end, axisLabel: {...axisText, formatter: clock},
            axisLine: {lineStyle: {color: '#2c3235'}}, splitLine: {show: false}, splitNumber: 4},
    yAxis: {type: 'value', axisLabel: {...axisText, formatter: v => format(p.unit, v, null)}, splitLine: split,
            splitNumber: 4, ...(p.unit === 'bytes' || p.unit === 'binBps' ? iecAxis(p) : {})},
    series: p.series.map(s => ({
      name: s.name, type: 'line', showSymbol: false, connectNulls: false, data: s.points,
      stack: p.stacked ? 'A' : undefined,
      lineStyle: {width: 1, type: s.dashed ? [6, 4] : 'solid', color: s.color ? colour(s.color) : undefined},
      itemStyle: s.color ? {color: colour(s.color)} : undefined,
      areaStyle: s.fill > 0 ? {opacity: s.fill / 100} : undefined}))
  };
  if (!p.series.length)
    opt.graphic = {type: 'text', left: 'center', top: 'middle', style: {text: 'No data', fill: '#9fa7b3'}};
  echarts.init(el, null, {renderer: 'canvas'}).setOption(opt);
}

function stat(el, p) {
  const box = document.createElement('div');
  box.className = 'stat';
  el.appendChild(box);
  const series = p.series.length ? p.series : [{name: '', points: []}];
  for (const s of series) {
    const v = lastNotNull(s.points);
    const c = thresholdColour(s.thresholds || p.thresholds, v);
    const cell = document.createElement('div');
    cell.className = 'cell';
    if (p.graph === 'area' && s.points.length) {
      const spark = document.createElement('div');
      spark.className = 'spark';
      cell.appendChild(spark);
      setTimeout(() => echarts.init(spark).setOption({animation: false,
        grid: {left: 0, right: 0, top: '45%', bottom: 0},
        xAxis: {type: 'time', show: false, min: page.start, max: page.end},
        yAxis: {type: 'value', show: false, min: 'dataMin'},
        series: [{type: 'line', data: s.points, showSymbol: false, lineStyle: {width: 1, color: c},
                  areaStyle: {color: c, opacity: 0.15}}]}));
    }
    cell.insertAdjacentHTML('beforeend', '<div class="value" style="color:' + c + '">' +
      format(p.unit, v, p.decimals) + '</div>' + (series.length > 1 ? '<div class="name"></div>' : ''));
    if (series.length > 1) cell.querySelector('.name').textContent = s.name;
    box.appendChild(cell);
  }
}

document.getElementById('title').textContent = page.title;
document.getElementById('range').textContent = page.range;
document.getElementById('vars').textContent = page.variables;
document.getElementById('footer').textContent = page.footer;
const grid = document.getElementById('grid');
const col = (page.width - 16) / 24, unit = page.rowPx + page.gapPx;
grid.style.height = (page.rows * unit) + 'px';
for (const p of page.panels) {
  const el = document.createElement('div');
  el.className = p.type === 'row' ? 'row' : 'panel';
  Object.assign(el.style, {left: (p.grid.x * col + page.gapPx / 2) + 'px', top: (p.grid.y * unit) + 'px',
    width: (p.grid.w * col - page.gapPx) + 'px', height: (p.grid.h * unit - page.gapPx) + 'px'});
  grid.appendChild(el);
  if (p.type === 'row') { el.textContent = p.title; continue; }
  el.innerHTML = '<div class="title"></div><div class="body"></div>';
  el.querySelector('.title').textContent = p.title;
  const body = el.querySelector('.body');
  if (p.type === 'stat') stat(body, p); else timeseries(body, p);
}
</script>
</body></html>
"""

if __name__ == "__main__":
    main()
