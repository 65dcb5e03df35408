package dev.spillway.bench;

import dev.spillway.console.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * report.html beside results.json: the run's targets as a table and its figures as charts drawn by Apache ECharts
 * (inlined from its webjar, so the page opens offline): medians of Spillway beside the baselines, every
 * repetition's rate, every rate over the run's time, and each node's region usage over the run (stacked: primary
 * copies of its own checkpoints, copies spilled to it, the rest).
 */
final class Report {
    private static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.common.min.js";

    private Report() {
    }

    static Path write(Path runDir, String resultsJson) throws IOException {
        return write(runDir, TEMPLATE, resultsJson);
    }

    /**
     * Writes report.html from {@code template}, its {@code /*ECHARTS*}{@code /} mark replaced by ECharts and its
     * {@code /*RESULTS*}{@code /} mark by the run's results.
     */
    static Path write(Path runDir, String template, String resultsJson) throws IOException {
        String echarts;
        try (InputStream in = Report.class.getResourceAsStream(ECHARTS)) {
            if (in == null)
                throw new IOException("ECharts is not on the classpath: " + ECHARTS);
            echarts = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String html = template.replace("/*ECHARTS*/", echarts.replace("</script", "<\\/script"))
            .replace("/*RESULTS*/", resultsJson.replace("</", "<\\/"));
        Path file = runDir.resolve("report.html");
        Files.writeString(file, html);
        return file;
    }

    private static final String TEMPLATE = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Spillway bench</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
          table { border-collapse: collapse; margin: 1em 0; } td, th { padding: 4px 10px; border-bottom: 1px solid #ddd; }
          th { text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
          .met { color: #176f2c; font-weight: 600; } .miss { color: #b3261e; font-weight: 600; }
          .chart { width: 100%; height: 460px; margin: 1em 0 2em; } code { background: #f4f4f4; padding: 1px 4px; }
        </style>
        <script>/*ECHARTS*/</script></head>
        <body>
        <h1 id="title">Spillway bench</h1>
        <p id="about"></p>
        <h2>Targets (ratios of medians measured in this run)</h2>
        <table id="targets"><tr><th>target</th><th>ratio</th><th>at least</th><th></th></tr></table>
        <div id="incrementalSection" style="display: none">
        <h2>Per share of chunks changed: effective save rate, bytes sent, region bytes of the two retained checkpoints
        per copy</h2>
        <table id="incremental"><tr><th>path</th><th>content</th><th>changed</th><th>save MB/s</th><th>sent MB</th>
        <th>retained logical MB</th><th>retained physical MB</th><th>physical / one state</th>
        <th>begin ms</th><th>writes ms</th><th>commit ms</th></tr></table>
        </div>
        <div id="ratiosSection" style="display: none">
        <h2>Every Spillway figure against each baseline of its backup count (ratio of medians)</h2>
        <table id="ratios"></table>
        </div>
        <div id="timelineSection" style="display: none">
        <h2>Committed MB per second (the node was killed at the marked second)</h2>
        <div id="timeline" class="chart"></div>
        </div>
        <div id="latencySection" style="display: none">
        <h2>Save latency from the moment each save was due (ms, log scale; coordinated omission corrected)</h2>
        <div id="latency" class="chart"></div>
        </div>
        <div id="throughputSection">
        <h2>Medians, Spillway beside the baselines (MB/s, MB = 2^20 bytes; bars show min-max over repetitions)</h2>
        <div id="medians" class="chart" style="height: 720px"></div>
        <h2>Every repetition (MB/s, in the order run)</h2>
        <div id="reps" class="chart"></div>
        </div>
        <div id="ratesSection" style="display: none">
        <h2>Throughput over time: every measurement at the second it ended (MB/s)</h2>
        <div id="rates" class="chart"></div>
        </div>
        <h2>Checkpoint-region usage per node over the run (MB, stacked: local, spilled, other)</h2>
        <div id="usage"></div>
        <script>
        const R = /*RESULTS*/;
        document.getElementById('title').textContent = 'Spillway bench: ' + R.scenario;
        document.getElementById('about').innerHTML = 'Finished ' + R.finishedAt + ' in ' + Math.round(R.durationSeconds)
          + ' s; commit <code>' + R.gitCommit + '</code>; ' + R.machine.cpus + ' CPUs (' + R.machine.cpuModel + '), '
          + Math.round(R.machine.memoryBytes / 2 ** 30) + ' GB; ' + R.machine.java + '.<br>Settings: <code>'
          + JSON.stringify(R.settings) + '</code>';
        const t = document.getElementById('targets');
        for (const row of R.targets) {
          const tr = t.insertRow();
          tr.insertCell().textContent = row.target;
          const c = tr.insertCell(); c.className = 'num'; c.textContent = row.ratio.toFixed(2) + 'x';
          const a = tr.insertCell(); a.className = 'num';
          a.textContent = row.atMost !== undefined ? 'at most ' + row.atMost.toFixed(2) + 'x'
            : row.atLeast.toFixed(row.atLeast < 1 ? 2 : 1) + 'x';
          const m = tr.insertCell(); m.className = row.met ? 'met' : 'miss'; m.textContent = row.met ? 'met' : 'missed';
        }
        if (R.incremental) {
          document.getElementById('incrementalSection').style.display = '';
          const it = document.getElementById('incremental');
          for (const row of R.incremental) {
            const tr = it.insertRow();
            tr.insertCell().textContent = row.path;
            tr.insertCell().textContent = row.content;
            tr.insertCell().textContent = row.changedPercent + '%';
            for (const [v, d] of [[row.saveMbPerSecond, 0], [row.sentMb, 1], [row.retainedLogicalMbPerCopy, 0],
                                  [row.retainedPhysicalMbPerCopy, 0], [row.physicalPerState, 2], [row.beginMs, 0],
                                  [row.writeMs, 0], [row.commitMs, 0]]) {
              const c = tr.insertCell(); c.className = 'num'; c.textContent = v.toFixed(d);
            }
          }
        }
        const ratioRows = Object.entries(R.ratios || {});
        if (ratioRows.length > 0) {
          document.getElementById('ratiosSection').style.display = '';
          const rt = document.getElementById('ratios');
          for (const [name, against] of ratioRows) {
            const tr = rt.insertRow();
            tr.insertCell().textContent = name + ' (' + Math.round(R.figures[name].median) + ' MB/s)';
            const c = tr.insertCell();
            c.textContent = Object.entries(against).map(([b, r]) => r.toFixed(2) + 'x ' + b).join(', ');
          }
        }
        const names = Object.keys(R.figures);
        if (names.length === 0) document.getElementById('throughputSection').style.display = 'none';
        if (R.timeline) {
          document.getElementById('timelineSection').style.display = '';
          echarts.init(document.getElementById('timeline')).setOption({
            tooltip: { trigger: 'axis' }, grid: { left: 60, right: 30, top: 30, bottom: 40 },
            xAxis: { type: 'category', name: 's', data: R.timeline.map(p => p.second) },
            yAxis: { type: 'value', name: 'MB/s' },
            series: [{ type: 'bar', data: R.timeline.map(p => Math.round(p.mbCommitted)),
              markLine: { symbol: 'none', data: [{ xAxis: String(Math.floor(R.outcome.killedAtSecond)),
                label: { formatter: 'SIGKILL ' + R.outcome.killedNode } }] } }]
          });
        }
        if (R.outcome) {
          document.getElementById('about').innerHTML += '<br>Outcome: <code>' + JSON.stringify(R.outcome) + '</code>';
        }
        if (R.latency) {
          document.getElementById('latencySection').style.display = '';
          const cats = R.latency.map(r => r.path + ' ' + Math.round(r.sizeBytes / 1024) + ' KB, ' + r.backups + ' b');
          const ps = ['p50Ms', 'p90Ms', 'p99Ms', 'p99.9Ms', 'maxMs'];
          echarts.init(document.getElementById('latency')).setOption({
            tooltip: { trigger: 'axis' }, legend: { top: 0 },
            grid: { left: 60, right: 30, top: 40, bottom: 90 },
            xAxis: { type: 'category', data: cats, axisLabel: { rotate: 35, fontSize: 11 } },
            yAxis: { type: 'log', name: 'ms' },
            series: ps.map(p => ({ name: p.replace('Ms', ''), type: 'bar', data: R.latency.map(r => Math.max(0.01, r[p])) }))
          });
        }
        const colour = n => n.startsWith('spillway') ? '#1f77b4' : n.startsWith('raw') ? '#ff7f0e' : '#7f7f7f';
        echarts.init(document.getElementById('medians')).setOption({
          tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
          grid: { left: 260, right: 40, top: 10, bottom: 30 },
          xAxis: { type: 'value', name: 'MB/s' },
          yAxis: { type: 'category', data: names, inverse: true, axisLabel: { fontSize: 11 } },
          series: [{ type: 'bar', data: names.map(n => ({ value: Math.round(R.figures[n].median),
              itemStyle: { color: colour(n) } })),
            label: { show: true, position: 'right', formatter: p => p.value + ' (' + Math.round(R.figures[names[p.dataIndex]].min)
              + '-' + Math.round(R.figures[names[p.dataIndex]].max) + ')' } }]
        });
        const reps = Math.max(...names.map(n => R.figures[n].samples.length));
        echarts.init(document.getElementById('reps')).setOption({
          tooltip: { trigger: 'axis' }, legend: { type: 'scroll', top: 0 },
          grid: { left: 60, right: 30, top: 60, bottom: 40 },
          xAxis: { type: 'category', name: 'repetition', data: [...Array(reps).keys()].map(i => i + 1) },
          yAxis: { type: 'value', name: 'MB/s' },
          series: names.filter(n => !n.startsWith('raw.random_')).map(n => ({ name: n, type: 'line',
            data: R.figures[n].samples.map(Math.round) }))
        });
        if (R.rates) {
          document.getElementById('ratesSection').style.display = '';
          const measured = [...new Set(R.rates.map(r => r.figure))].filter(n => !n.startsWith('raw.random_'));
          echarts.init(document.getElementById('rates')).setOption({
            tooltip: { trigger: 'item', formatter: p => p.seriesName + ': ' + p.value[1] + ' MB/s at ' + p.value[0] + ' s' },
            legend: { type: 'scroll', top: 0 }, grid: { left: 60, right: 30, top: 60, bottom: 40 },
            xAxis: { type: 'value', name: 's' }, yAxis: { type: 'value', name: 'MB/s' },
            series: measured.map(n => ({ name: n, type: 'line', symbolSize: 7,
              data: R.rates.filter(r => r.figure === n).map(r => [r.t.toFixed(1), Math.round(r.mbPerSecond)]) }))
          });
        }
        const usage = R.usage || [];
        const nodes = [...new Set(usage.flatMap(s => Object.keys(s.nodes)))].sort();
        const mb = b => Math.round(b / 2 ** 20);
        const usageDiv = document.getElementById('usage');
        for (const n of nodes) {
          const div = document.createElement('div');
          div.className = 'chart'; div.style.height = '300px';
          usageDiv.appendChild(div);
          const at = usage.filter(s => s.nodes[n]);
          const part = f => at.map(s => [s.t.toFixed(1), mb(f(s.nodes[n]))]);
          echarts.init(div).setOption({
            title: { text: n + ' (region ' + (at.length ? mb(at[0].nodes[n].regionMaxSize) : '?') + ' MB)',
              textStyle: { fontSize: 13 } },
            tooltip: { trigger: 'axis' }, legend: { top: 0, right: 0 },
            grid: { left: 60, right: 30, top: 40, bottom: 30 },
            xAxis: { type: 'value', name: 's' }, yAxis: { type: 'value', name: 'MB' },
            series: [
              ['local: checkpoints written on this node', u => u.local, '#1f77b4'],
              ['spilled here from other nodes', u => u.spilled, '#ff7f0e'],
              ['other: backups, saves in progress, page overhead', u => Math.max(0, u.used - u.local - u.spilled), '#bbbbbb']
            ].map(([name, f, color]) => ({ name, type: 'line', stack: 'used', areaStyle: {}, showSymbol: false,
              itemStyle: { color }, lineStyle: { width: 1 }, data: part(f) }))
          });
        }
        </script>
        </body></html>
        """;
}
