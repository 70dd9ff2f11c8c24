package report

import (
	"html/template"
	"strings"
)

// page is the whole report. Styles are inline; there is no script.
var page = template.Must(template.New("report").Funcs(template.FuncMap{"join": strings.Join}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>calisim report: {{.Title}}</title>
<style>
body { font-family: Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #1f2933; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #d7dde6; padding-bottom: 0.2em; margin-top: 2em; }
.meta { color: #52606d; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.9em; }
th, td { border: 1px solid #d7dde6; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f6fb; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.recommended { background: #e6f4e4; font-weight: bold; }
.ok { color: #1f7a1f; }
.bad { color: #b01010; font-weight: bold; }
.sev-error { color: #b01010; font-weight: bold; }
.sev-warning { color: #a86400; font-weight: bold; }
.sev-info { color: #1f5fbf; }
figure { margin: 1em 0; overflow-x: auto; border: 1px solid #e4e7eb; padding: 0.5em; }
figure svg { max-width: 100%; height: auto; }
figure.wide svg { max-width: none; }
figcaption { color: #52606d; font-size: 0.9em; margin-top: 0.4em; }
.note { color: #52606d; font-style: italic; }
.recommendation { background: #e6f4e4; border-left: 4px solid #1f7a1f; padding: 0.6em 1em; }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
{{with .Description}}<p>{{.}}</p>{{end}}
<p class="meta">cloud {{.Cloud}} · engine {{.Engine}} · seed {{.Seed}} · made by calisim</p>

<h2 id="summary">Summary</h2>
<table>
{{range .Summary}}<tr><th>{{.Label}}</th><td>{{.Value}}</td></tr>
{{end}}</table>

<h2 id="findings">Findings</h2>
{{if .Findings}}<table>
<tr><th>Severity</th><th>Code</th><th>Message</th><th>Subjects</th></tr>
{{range .Findings}}<tr><td class="sev-{{.Severity}}">{{.Severity}}</td><td>{{.Code}}</td><td>{{.Message}}</td><td>{{join .Subjects ", "}}</td></tr>
{{end}}</table>{{else}}<p class="ok">No findings: the design follows the reference architecture.</p>{{end}}
{{with .Warnings}}<p class="note">Warnings: {{join . "; "}}</p>{{end}}

<h2 id="topology">Topology</h2>
<figure class="wide">{{.Topology}}<figcaption>Subnets with their CIDR, MTU and fabric rules; routers with their AS; nodes with address, IPAM blocks and pod MTU.</figcaption></figure>

<h2 id="bgp">BGP</h2>
<figure class="wide">{{.BGP}}<figcaption>Every BGP session by kind; established solid, the others dashed red with the reason.</figcaption></figure>

<h2 id="paths">Paths</h2>
{{range .PathFigs}}<figure>{{.SVG}}<figcaption>{{.Caption}}</figcaption></figure>
{{end}}
<table>
<tr><th>From</th><th>To</th><th>Port</th><th>Size</th><th>Result</th><th>Encapsulation</th><th>Overhead</th><th>Path MTU</th><th>Dropped at</th><th>Reason</th><th>Policy</th></tr>
{{range .Paths}}<tr><td>{{.From}}</td><td>{{.To}}</td><td>{{.Port}}</td><td class="num">{{.Size}}</td>{{if .Delivered}}<td class="ok">delivered</td>{{else}}<td class="bad">dropped</td>{{end}}<td>{{.Encapsulation}}</td><td class="num">{{.OverheadBytes}}</td><td class="num">{{.PathMTU}}</td><td>{{with .Drop}}{{.At}}{{end}}</td><td>{{with .Drop}}{{.Reason}}{{with .Detail}}: {{.}}{{end}}{{end}}</td><td>{{with .Policy}}{{.Verdict}} ({{.DecidedBy}}){{end}}</td></tr>
{{end}}</table>
{{if .PathsMore}}<p class="note">{{.PathsMore}} more paths: <code>calisim run -o json</code> lists them all.</p>{{end}}

<h2 id="nodes">Nodes</h2>
<table>
<tr><th>Name</th><th>IP</th><th>Subnet</th><th>Blocks</th><th>Tunnel</th><th>Host MTU</th><th>Pod MTU</th><th>BGP peers</th><th>Reflector</th><th>Routes</th></tr>
{{range .Nodes}}<tr><td>{{.Name}}</td><td>{{.IP}}</td><td>{{.Subnet}}</td><td>{{join .Blocks ", "}}</td><td>{{.Tunnel}}</td><td class="num">{{.HostMTU}}</td><td class="num">{{.PodMTU}}</td><td class="num">{{.Peers}}</td><td>{{if .Reflector}}yes{{end}}</td><td class="num">{{.Routes}}</td></tr>
{{end}}</table>
{{if .NodesMore}}<p class="note">{{.NodesMore}} more nodes: <code>calisim run -o json</code> lists them all.</p>{{end}}

<h2 id="plan">Plan: every encapsulation and BGP layout</h2>
{{with .Plan}}<p class="recommendation"><strong>Recommended:</strong> {{.Recommendation}}</p>
<table>
<tr><th></th><th>Encapsulation</th><th>BGP</th><th>Reachable</th><th>Pod MTU</th><th>Overhead</th><th>Sessions</th><th>Max peers/node</th><th>Convergence (ms)</th><th>Findings</th></tr>
{{range .Options}}<tr{{if .Recommended}} class="recommended"{{end}}><td>{{if .Recommended}}★{{end}}</td><td>{{.Encapsulation}}</td><td>{{.BGP}}</td><td class="num">{{.Reachable}}/{{.Pairs}}</td><td class="num">{{.PodMTU}}</td><td class="num">{{.OverheadBytes}}</td><td class="num">{{.Sessions}}</td><td class="num">{{.MaxPeersPerNode}}</td><td class="num">{{.ConvergenceMillis}}</td><td>{{join .Findings ", "}}</td></tr>
{{end}}</table>{{else}}<p class="note">No plan in this report (run without --no-plan to compare every option).</p>{{end}}

<h2 id="charts">Charts</h2>
{{range .Charts}}<figure>{{.SVG}}<figcaption>{{.Caption}}</figcaption></figure>
{{end}}
</body>
</html>
`))
