package dev.spillway.bench;

import dev.spillway.console.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The chaos run's results.json and report.html: the summary line and verdict, the problems found, saves per second
 * with the faults marked, each node's region fill over the run, and every round and event.
 */
final class ChaosReport {
    private ChaosReport() {
    }

    /** Writes both files; returns results.json's path. */
    static Path write(Path runDir, double seconds, Map<String, Object> settings, ChaosScenario scenario)
        throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("scenario", "chaos");
        root.put("finishedAt", RunInfo.now());
        root.put("durationSeconds", seconds);
        root.put("gitCommit", RunInfo.gitCommit());
        root.put("machine", RunInfo.machine());
        root.put("settings", settings);
        root.put("summary", scenario.summaryLine());
        root.put("outcome", scenario.outcome());
        root.put("rounds", scenario.rounds());
        root.put("events", scenario.timeline().events());
        root.put("saves", scenario.timeline().saves());
        root.put("fill", scenario.timeline().fill());
        String json = Json.write(root);
        Path file = runDir.resolve("results.json");
        Files.writeString(file, json);
        Report.write(runDir, TEMPLATE, json);
        return file;
    }

    private static final String TEMPLATE = """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>Spillway chaos run</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
          table { border-collapse: collapse; margin: 1em 0; font-size: 13px; }
          td, th { padding: 3px 8px; border-bottom: 1px solid #ddd; vertical-align: top; }
          th { text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
          .pass { color: #176f2c; font-weight: 700; } .fail { color: #b3261e; font-weight: 700; }
          .summary { font-size: 15px; background: #f4f4f4; padding: 8px 12px; border-radius: 4px; }
          .chart { width: 100%; height: 380px; margin: 0.5em 0 1.5em; } code { background: #f4f4f4; padding: 1px 4px; }
        </style>
        <script>/*ECHARTS*/</script></head>
        <body>
        <h1>Spillway chaos run: <span id="verdict"></span></h1>
        <p id="about"></p>
        <p class="summary" id="summary"></p>
        <div id="problemsSection" style="display: none"><h2>Problems found</h2><ul id="problems"></ul></div>
        <h2>Saves per second, the faults marked</h2>
        <div id="saves" class="chart"></div>
        <h2>Checkpoint-region fill per node (used over the region's size, %; a gap: the node was down or unreachable),
          the faults marked</h2>
        <div id="fill" class="chart"></div>
        <h2>Rounds</h2>
        <table id="rounds"><tr><th>round</th><th>from (s)</th><th>fault</th><th>what happened</th>
          <th>ballast checkpoints</th><th>settled in (s)</th><th>admits again</th><th>restores verified</th>
          <th>bytes lost</th><th>wrong bytes</th></tr></table>
        <h2>Every event</h2>
        <table id="events"><tr><th>s</th><th>round</th><th>kind</th><th>detail</th></tr></table>
        <script>
        const R = /*RESULTS*/;
        const O = R.outcome;
        const v = document.getElementById('verdict');
        v.textContent = O.passed ? 'passed' : 'FAILED'; v.className = O.passed ? 'pass' : 'fail';
        document.getElementById('about').innerHTML = 'Finished ' + R.finishedAt + ' in ' + Math.round(R.durationSeconds)
          + ' s; commit <code>' + R.gitCommit + '</code>; ' + R.machine.cpus + ' CPUs, '
          + Math.round(R.machine.memoryBytes / 2 ** 30) + ' GB; ' + R.machine.java + '.<br>Settings: <code>'
          + JSON.stringify(R.settings) + '</code>';
        document.getElementById('summary').textContent = R.summary;
        const problems = (O.problems || []).concat((O.halts || []).map(h => 'halted: ' + h));
        if (problems.length) {
          document.getElementById('problemsSection').style.display = '';
          for (const p of problems) {
            const li = document.createElement('li'); li.textContent = p;
            document.getElementById('problems').appendChild(li);
          }
        }
        const faults = R.events.filter(e => !['round', 'check', 'checked', 'full', 'room', 'writer'].includes(e.kind));
        // One category per second of the run: bars and lines line up, and a second with no sample stays empty.
        const end = Math.ceil(R.durationSeconds);
        const secs = [...Array(end + 1).keys()].map(String);
        const marks = { symbol: 'none', lineStyle: { color: '#b3261e', type: 'dashed' },
          label: { formatter: p => p.name, fontSize: 10 },
          data: faults.map(f => ({ name: f.kind.toLowerCase(), xAxis: String(Math.floor(f.second)) })) };
        const savesAt = {};
        R.saves.forEach(s => { savesAt[s.second] = s; });
        echarts.init(document.getElementById('saves')).setOption({
          animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 30, top: 40, bottom: 40 },
          xAxis: { type: 'category', name: 's', data: secs }, yAxis: { type: 'value', name: 'saves' },
          series: [['committed', '#2e7d32'], ['refused', '#f9a825'], ['failed', '#c62828']].map(([k, c], i) => ({
            name: k, type: 'bar', stack: 's', itemStyle: { color: c },
            data: secs.map(t => savesAt[t] ? savesAt[t][k] : 0), markLine: i === 0 ? marks : undefined }))
        });
        const fillAt = {};
        R.fill.forEach(s => { fillAt[Math.round(s.second)] = s.percent; });
        const nodes = [...new Set(R.fill.flatMap(s => Object.keys(s.percent)))].sort();
        echarts.init(document.getElementById('fill')).setOption({
          animation: false, tooltip: { trigger: 'axis' }, legend: { top: 0 }, grid: { left: 50, right: 30, top: 40, bottom: 40 },
          xAxis: { type: 'category', name: 's', data: secs }, yAxis: { type: 'value', name: '%' },
          series: nodes.map((n, i) => ({ name: n, type: 'line', showSymbol: false,
            data: secs.map(t => fillAt[t] && n in fillAt[t] ? fillAt[t][n] : '-'),
            markLine: i === 0 ? marks : undefined }))
        });
        const rt = document.getElementById('rounds');
        for (const r of R.rounds) {
          const tr = rt.insertRow();
          const cells = [r.round, r.startSecond, r.fault, r.detail, r.ballastCheckpoints, r.settledSeconds,
            r.admission ? 'yes' : 'NO', r.restoresVerified, r.bytesLost, r.wrongBytes];
          cells.forEach((c, i) => { const td = tr.insertCell(); td.textContent = c;
            if (typeof c === 'number') td.className = 'num'; });
        }
        const et = document.getElementById('events');
        for (const e of R.events) {
          const tr = et.insertRow();
          [e.second, e.round, e.kind, e.detail].forEach(c => { tr.insertCell().textContent = c; });
        }
        </script>
        </body></html>
        """;
}
