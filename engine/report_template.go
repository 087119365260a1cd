package engine

// reportHTML is the REPORT page: one self-contained file, inline CSS and
// SVG, no script and nothing fetched from the network. Text goes through
// html/template's escaping.
const reportHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="cai">
<title>{{.Name}} — cai model report</title>
<style>
:root { --ink: #1f2328; --muted: #57606a; --line: #d8dee4; --card: #ffffff; --bg: #f3f5f7;
  --accent: #1c7ed6; --high: #1864ab; --medium: #4dabf7; --low: #a5d8ff; --warn: #9a6700; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header { background: #1f2933; color: #fff; padding: 22px 32px 20px; }
header h1 { margin: 0 0 4px; font-size: 26px; font-weight: 650; }
header .kind { display: inline-block; margin-left: 10px; padding: 2px 8px; border-radius: 4px; background: var(--accent);
  font-size: 12px; font-weight: 600; letter-spacing: .04em; vertical-align: middle; }
header p { margin: 0; color: #c9d1d9; }
main { max-width: 1240px; margin: 0 auto; padding: 8px 24px 32px; }
h2 { font-size: 18px; margin: 26px 0 10px; }
h3 { font-size: 15px; margin: 0 0 6px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 16px; align-items: start; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.card > p.caption { color: var(--muted); font-size: 12.5px; margin: 6px 0 0; }
pre.def { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid var(--line);
  border-radius: 6px; padding: 10px 12px; margin: 0 0 10px; font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { color: var(--muted); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.note, span.note { color: var(--muted); }
span.note { font-size: 12px; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; color: var(--warn); border-radius: 6px; padding: 8px 12px; margin: 0 0 10px; }
.empty { color: var(--muted); font-style: italic; }
.pills { display: flex; gap: 10px; flex-wrap: wrap; margin: 4px 0 8px; }
.pill { border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; background: #f6f8fa; }
.pill b { display: block; font-size: 18px; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted); margin-top: 4px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px;
  vertical-align: -1px; background: var(--swatch); }
.sw-bar-high { --swatch: var(--high); } .sw-bar-medium { --swatch: var(--medium); } .sw-bar-low { --swatch: var(--low); }
.sw-bar-expected { --swatch: #adb5bd; } .sw-bar-actual { --swatch: var(--accent); }
svg.chart { display: block; width: 100%; height: auto; }
svg.chart text { font-size: 11px; fill: var(--muted); }
svg.chart text.label { font-size: 12px; fill: var(--ink); }
svg.chart text.value { fill: var(--ink); }
svg.chart text.axis-label { font-size: 12px; }
svg.chart text.big { font-size: 16px; font-weight: 650; fill: var(--ink); }
svg.chart text.note { fill: #495057; }
svg.chart .gridline { stroke: #e6e8eb; }
svg.chart .axis { stroke: #8c959f; }
svg.chart .baseline { fill: none; stroke: #adb5bd; stroke-width: 1.5; stroke-dasharray: 5 4; }
svg.chart .threshold { stroke: #495057; stroke-width: 1; stroke-dasharray: 4 3; }
svg.chart .curve { fill: none; stroke: var(--accent); stroke-width: 2.5; stroke-linejoin: round; }
svg.chart .area { fill: var(--accent); fill-opacity: .10; stroke: none; }
svg.chart .dot { fill: var(--accent); stroke: #fff; stroke-width: 1.5; }
svg.chart .bar { fill: var(--accent); }
svg.chart .bar-high { fill: var(--high); } svg.chart .bar-medium { fill: var(--medium); } svg.chart .bar-low { fill: var(--low); }
svg.chart .bar-expected { fill: #adb5bd; } svg.chart .bar-actual { fill: var(--accent); }
svg.chart rect:hover, svg.chart circle:hover { opacity: .8; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 0 24px; }
@media print { body { background: #fff; } .card { break-inside: avoid; border-color: #ccc; } header { background: #fff; color: #000; } header p { color: #333; } }
</style>
</head>
<body>
{{define "chart"}}<svg id="{{.ID}}" class="chart" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="{{.Title}}" xmlns="http://www.w3.org/2000/svg">
{{- range .Lines}}<line x1="{{.X1}}" y1="{{.Y1}}" x2="{{.X2}}" y2="{{.Y2}}" class="{{.Class}}"/>{{end}}
{{- range .Paths}}<path d="{{.D}}" class="{{.Class}}"/>{{end}}
{{- range .Rects}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" class="{{.Class}}"><title>{{.Tip}}</title></rect>{{end}}
{{- range .Dots}}<circle cx="{{.X}}" cy="{{.Y}}" r="{{.R}}" class="{{.Class}}"><title>{{.Tip}}</title></circle>{{end}}
{{- range .Texts}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}" class="{{.Class}}"{{if .Transform}} transform="{{.Transform}}"{{end}}>{{.Text}}</text>{{end}}
</svg>
{{- if .Legend}}<div class="legend">{{range .Legend}}<span class="sw-{{.Class}}">{{.Label}}</span>{{end}}</div>{{end}}
{{- if .Caption}}<p class="caption">{{.Caption}}</p>{{end}}{{end}}
<header>
<h1>{{.Name}}<span class="kind">{{.Kind}}</span></h1>
<p>Probability that a {{.Identity}} {{.Outcome}} · {{.Scored}} profiles scored as of {{.ScoredAt}} · report generated {{.Generated}}</p>
</header>
<main>

<h2>Model</h2>
<div class="grid">
<div class="card">
<h3>Definition</h3>
<pre class="def">{{.Definition}}</pre>
<table>
<tr><th>Training cutoff (AS OF)</th><td>{{.AsOf}}</td></tr>
<tr><th>Outcome window</th><td>{{.Window}}</td></tr>
<tr><th>Lookback</th><td>{{.Lookback}}</td></tr>
<tr><th>Events read</th><td>{{.Events}} ({{.Skipped}} skipped without identity)</td></tr>
<tr><th>Features</th><td>{{.Features}}</td></tr>
<tr><th>Network</th><td>{{.Network}}</td></tr>
<tr><th>Trained</th><td>{{.TrainedAt}} in {{.TrainTime}}</td></tr>
</table>
</div>
<div class="card">
<h3>Training snapshots</h3>
<table>
<tr><th>Cutoff</th><th class="num">Eligible</th><th class="num">Positive</th><th class="num">Negative</th></tr>
{{- range .Snapshots}}
<tr><td>{{fmtTime .Cutoff}}</td><td class="num">{{.Eligible}}</td><td class="num">{{.Positives}}</td><td class="num">{{.Negatives}}</td></tr>
{{- end}}
</table>
<h3 style="margin-top:14px">Quality on held-out profiles</h3>
{{if .Warning}}<div class="warning">{{.Warning}}</div>{{end}}
<table>
{{- range .Metrics}}
<tr><th>{{.Name}}</th><td class="num">{{.Value}}</td><td class="note">{{.Note}}</td></tr>
{{- end}}
</table>
</div>
</div>

<h2>Scores</h2>
<div class="grid">
<div class="card">
<h3>{{.Histogram.Title}}</h3>
<div class="pills">{{range .BucketCounts}}<div class="pill">{{.Key}}<b>{{.Value}}</b></div>{{end}}</div>
{{template "chart" .Histogram}}
</div>
<div class="card">
<h3>{{.Factors.Title}}</h3>
{{template "chart" .Factors}}
</div>
</div>

<h2>Quality</h2>
<div class="grid">
<div class="card"><h3>{{.ROC.Title}}</h3>{{template "chart" .ROC}}</div>
<div class="card"><h3>{{.Calibration.Title}}</h3>{{template "chart" .Calibration}}</div>
<div class="card"><h3>{{.Lift.Title}}</h3>{{template "chart" .Lift}}</div>
<div class="card"><h3>{{.Gains.Title}}</h3>{{template "chart" .Gains}}</div>
</div>
{{- if .Deciles}}
<div class="card" style="margin-top:16px">
<h3>Deciles (held-out profiles)</h3>
<table>
<tr><th class="num">Decile</th><th class="num">Profiles</th><th class="num">Positives</th><th>Probability range</th><th class="num">Rate</th><th class="num">Lift</th><th class="num">Cumulative gain</th></tr>
{{- range .Deciles}}
<tr><td class="num">{{.Decile}}</td><td class="num">{{.Profiles}}</td><td class="num">{{.Positives}}</td><td>{{.Range}}</td><td class="num">{{.Rate}}</td><td class="num">{{.Lift}}</td><td class="num">{{.Gain}}</td></tr>
{{- end}}
</table>
</div>
{{- end}}

<h2>Influential factors by bucket</h2>
<div class="grid">
{{- range .Buckets}}
<div class="card">
<h3>{{.Chart.Title}}</h3>
{{if .Rows}}{{template "chart" .Chart}}
<table>
<tr><th class="num">#</th><th>Factor</th><th class="num">Coverage</th><th class="num">Mean impact</th><th class="num">Typical here</th><th class="num">Typical overall</th></tr>
{{- range .Rows}}
<tr><td class="num">{{.Rank}}</td><td><b>{{.Code}}</b><br><span class="note">{{.Feature}}</span></td><td class="num">{{.Coverage}}</td><td class="num">{{.Impact}}</td><td class="num">{{.InBucket}}</td><td class="num">{{.Overall}}</td></tr>
{{- end}}
</table>
{{else if .Profiles}}<p class="empty">No factor pushes these {{.Profiles}} profiles toward the outcome.</p>{{else}}<p class="empty">No profiles in this bucket.</p>{{end}}
</div>
{{- end}}
</div>

<h2>Backtest</h2>
<div class="grid">
{{- if .Backtest}}
<div class="card">
<h3>{{.Backtest.Title}}</h3>
{{template "chart" .Backtest}}
</div>
<div class="card">
<h3>Expected vs actual per bucket</h3>
<table>
<tr><th>Bucket</th><th class="num">Profiles</th><th class="num">Expected rate</th><th class="num">Actual rate</th></tr>
{{- range .BacktestRows}}
<tr><td>{{.Bucket}}</td><td class="num">{{.Profiles}}</td><td class="num">{{.Expected}}</td><td class="num">{{.Actual}}</td></tr>
{{- end}}
</table>
<p class="caption">{{.BacktestNote}}</p>
</div>
{{- else}}
<div class="card">
<p class="empty" id="no-backtest">{{.BacktestNote}}</p>
</div>
{{- end}}
</div>
</main>
<footer>Generated by cai. Scores, percentiles and factors are computed at the scoring cutoff; quality figures come from profiles held out of training.</footer>
</body>
</html>
`
