"""The checks of scripts/check-monitoring-clients.sh, run once `swiftminer demo` and a Prometheus
server that scrapes it are up (the shell script starts both and passes their addresses).

1. /metrics: scraped, `promtool check metrics` on it.
2. Every metric name in the Grafana dashboard's queries and the alert rules' expressions is one the
   exporter emits (histogram _bucket/_sum/_count samples included); `up` comes from Prometheus.
3. Prometheus: the target is up, swiftminer_shares_total{result="accepted"} > 0 through the HTTP
   query API, every dashboard query evaluates without error, the alert rules load and evaluate
   cleanly and none fires.
4. pyasic's cgminer RPC client reads version, summary, pools, devs, stats, config, devdetails,
   check and a multicommand; their numbers agree with status.json read around the same moment.

Prints one line per check; exits 1 if any failed.
"""
import argparse
import asyncio
import datetime
import json
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request

failures = []


def check(ok, what, detail=""):
    print(f"  [{'ok' if ok else 'FAIL'}] {what}" + (f": {detail}" if detail else ""), flush=True)
    if not ok:
        failures.append(what)
    return ok


def http_get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode()


# --- metric names -------------------------------------------------------------------------------

PROMQL_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
                "bool", "offset", "inf", "nan", "atan2"}
# Names Prometheus itself adds to every scrape target.
PROMETHEUS_SERIES = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                     "scrape_samples_post_metric_relabeling", "scrape_series_added"}


def metric_names(expr):
    """The metric names a PromQL expression selects (Grafana's $variables allowed)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # string literals
    text = re.sub(r"'(?:[^'\\]|\\.)*'", "''", text)
    text = re.sub(r"\$\{[^}]*\}|\$\w+", "", text)              # Grafana variables
    text = re.sub(r"\{[^}]*\}", "", text)                      # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)                     # ranges and subqueries
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        word = match.group(0)
        if word.lower() in PROMQL_WORDS:
            continue
        if text[match.end():].lstrip().startswith("("):        # a function or aggregation
            continue
        if match.start() > 0 and (text[match.start() - 1].isdigit() or text[match.start() - 1] == "."):
            continue                                            # 1e6, 0.5e3, durations
        names.add(word)
    return names


def dashboard_queries(dashboard):
    queries = []
    def walk(panels):
        for panel in panels:
            for target in panel.get("targets", []):
                if target.get("expr"):
                    queries.append((f"panel {panel.get('title')!r} {target.get('refId')}", target["expr"]))
            walk(panel.get("panels", []))
    walk(dashboard.get("panels", []))
    for variable in dashboard.get("templating", {}).get("list", []):
        query = variable.get("query")
        if isinstance(query, dict):
            query = query.get("query")
        if variable.get("type") == "query" and query:
            inner = re.match(r"\s*label_values\((.*),\s*\w+\)\s*$", query)
            queries.append((f"variable {variable['name']}", inner.group(1) if inner else query))
    return queries


def rule_expressions(path):
    """alert: name / expr: … pairs from the rules file (block scalars included), without PyYAML."""
    out, lines = [], open(path).read().splitlines()
    alert = None
    for i, line in enumerate(lines):
        m = re.match(r"\s*- alert:\s*(\S+)", line)
        if m:
            alert = m.group(1)
        m = re.match(r"(\s*)expr:\s*(.*)$", line)
        if m and alert:
            indent, rest = len(m.group(1)), m.group(2)
            if rest.strip() in ("|", ">", "|-", ">-"):
                body = []
                for following in lines[i + 1:]:
                    if following.strip() and len(following) - len(following.lstrip()) <= indent:
                        break
                    body.append(following)
                rest = "\n".join(body)
            out.append((f"rule {alert}", rest))
    return out


def scraped_names(text):
    names = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            names.add(re.match(r"[A-Za-z_:][A-Za-z0-9_:]*", line).group(0))
    return names


def check_dashboard_structure(dashboard):
    panels = dashboard.get("panels", [])
    ids = [p.get("id") for p in panels]
    check(len(ids) == len(set(ids)) and all(isinstance(i, int) for i in ids), "dashboard: panel ids unique integers")
    variables = {v["name"]: v for v in dashboard.get("templating", {}).get("list", [])}
    ds = variables.get("datasource", {})
    check(ds.get("type") == "datasource" and ds.get("query") == "prometheus", "dashboard: a Prometheus datasource variable")
    wrong = [p["title"] for p in panels
             if p.get("datasource") != {"type": "prometheus", "uid": "${datasource}"}
             or any(t.get("datasource", p.get("datasource")) != p.get("datasource") for t in p.get("targets", []))]
    check(not wrong, "dashboard: every panel and query uses ${datasource}", ", ".join(wrong))
    missing = [p["title"] for p in panels if not p.get("targets") or not all(t.get("refId") and t.get("expr") for t in p["targets"])]
    check(not missing, "dashboard: every panel has queries with refId and expr", ", ".join(missing))
    check(isinstance(dashboard.get("schemaVersion"), int) and dashboard.get("uid") and dashboard.get("title"),
          "dashboard: schemaVersion, uid and title", f"schemaVersion {dashboard.get('schemaVersion')}")


# --- Prometheus ---------------------------------------------------------------------------------

def prometheus_query(base, query):
    url = f"{base}/api/v1/query?" + urllib.parse.urlencode({"query": query})
    try:
        return json.loads(http_get(url))
    except urllib.error.HTTPError as error:
        return json.loads(error.read().decode())


def grafana_to_promql(expr):
    expr = expr.replace("$__rate_interval", "15s").replace("$__range", "1m").replace("$__interval", "5s")
    return re.sub(r"\$\{?\w+\}?", ".*", expr)


# --- cgminer API through pyasic -----------------------------------------------------------------

def read_status(path):
    for _ in range(20):
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            time.sleep(0.05)                        # replaced by rename: retry
    raise RuntimeError(f"cannot read {path}")


def read_status_written_after(path, moment):
    """status.json as rewritten after `moment` (time.time()): the daemon rewrites it soon after each
    share and every status_interval_s, while the API answers from the newest state at once."""
    deadline = time.time() + 10
    while True:
        status = read_status(path)
        written = datetime.datetime.fromisoformat(status["updated_at"].replace("Z", "+00:00")).timestamp()
        if written >= moment or time.time() > deadline:
            return status
        time.sleep(0.1)


def between(value, before, after, slack=0.0):
    low, high = min(before, after), max(before, after)
    return low - slack <= value <= high + slack


async def pyasic_checks(api_port, status_path):
    from pyasic.rpc.cgminer import CGMinerRPCAPI
    api = CGMinerRPCAPI("127.0.0.1", api_port)

    def ok_status(reply, command):
        status = reply.get("STATUS", [{}])[0].get("STATUS")
        return check(status == "S", f"pyasic {command}: STATUS S", f"STATUS {status}, {len(json.dumps(reply))} bytes")

    # Counters move while we read: read status.json before the API and as rewritten after it, and
    # require the API's value to lie between the two (a share arriving in between is allowed for).
    # Retry a few times when the file had not yet caught up.
    for attempt in range(5):
        before = read_status(status_path)
        summary = await api.summary()
        pools = await api.pools()
        devs = await api.devs()
        after = read_status_written_after(status_path, time.time())
        s, p, d = summary["SUMMARY"][0], pools["POOLS"][0], devs["DEVS"][0]
        b, a = before["workers"][0], after["workers"][0]
        pairs = [
            ("summary Accepted", s["Accepted"], before["shares"]["accepted"], after["shares"]["accepted"]),
            ("summary Rejected", s["Rejected"], before["shares"]["rejected"], after["shares"]["rejected"]),
            ("summary Stale", s["Stale"], before["shares"]["stale"], after["shares"]["stale"]),
            ("pools Accepted", p["Accepted"], b["shares"]["accepted"], a["shares"]["accepted"]),
            ("devs Accepted", d["Accepted"], b["shares"]["accepted"], a["shares"]["accepted"]),
            ("summary Difficulty Accepted", s["Difficulty Accepted"], b["shares"]["accepted_difficulty"], a["shares"]["accepted_difficulty"]),
        ]
        # The status file's hash count is refreshed every status_interval_s (it is rewritten
        # at once only for shares), while the API counts up to the moment of the request.
        lag_mh = a["hashrate"]["60s"] * (after["status_interval_s"] + 1) / 1e6
        hashes_ok = between(s["Total MH"], b["hashes_total"] / 1e6, a["hashes_total"] / 1e6 + lag_mh)
        if (hashes_ok and all(between(v, x, y, slack=1e-6 + 1e-9 * abs(y)) for _, v, x, y in pairs)) or attempt == 4:
            break
        await asyncio.sleep(0.3)

    for command, reply in (("summary", summary), ("pools", pools), ("devs", devs)):
        ok_status(reply, command)
    for name, value, x, y in pairs:
        check(between(value, x, y, slack=1e-6 + 1e-9 * abs(y)), f"{name} = {value} agrees with status.json",
              f"status.json {x} .. {y}")
    check(hashes_ok, f"summary Total MH = {s['Total MH']} agrees with status.json hashes_total",
          f"{b['hashes_total'] / 1e6:.4f} .. {a['hashes_total'] / 1e6:.4f} + {lag_mh:.1f} (one status interval)")
    check(s["Accepted"] > 0, "summary Accepted > 0", str(s["Accepted"]))

    # Hash rates: the API rounds to 0.01 MH/s; the windows move between reads, so allow 10 %.
    for field, window in (("MHS 5s", "10s"), ("MHS 1m", "60s"), ("MHS 15m", "15m")):
        ref = [before["hashrate"][window] / 1e6, after["hashrate"][window] / 1e6]
        check(between(s[field], ref[0], ref[1], slack=0.01 + 0.1 * max(ref)), f"summary {field} = {s[field]} agrees with status.json hashrate.{window}",
              f"{ref[0]:.2f} .. {ref[1]:.2f}")
        check(between(d[field], b["hashrate"][window] / 1e6, a["hashrate"][window] / 1e6,
                      slack=0.01 + 0.1 * a["hashrate"][window] / 1e6), f"devs {field} = {d[field]} agrees with the worker's hashrate.{window}")
    elapsed = max(after["uptime_s"], 1)
    check(s["MHS av"] > 0 and abs(s["MHS av"] - a["hashes_total"] / elapsed / 1e6) <= 0.2 * s["MHS av"] + 0.01,
          f"summary MHS av = {s['MHS av']} agrees with hashes_total / uptime", f"{a['hashes_total'] / elapsed / 1e6:.2f}")

    check(p["URL"] == a["pool"]["url"], f"pools URL = {p['URL']} is status.json's pool url")
    check(p["User"] == a["user"], f"pools User = {p['User']} is status.json's user")
    check(p["Status"] == ("Alive" if a["pool"]["state"] == "mining" else "Dead"), f"pools Status = {p['Status']} matches pool state {a['pool']['state']}")
    check(abs(p["Stratum Difficulty"] - a["pool"]["difficulty"]) <= 1e-8 + 1e-6 * a["pool"]["difficulty"],
          f"pools Stratum Difficulty = {p['Stratum Difficulty']} is status.json's pool difficulty", str(a["pool"]["difficulty"]))
    best = int(max(w["best_share_difficulty"] for w in after["workers"]))
    check(s["Best Share"] in (int(max(w["best_share_difficulty"] for w in before["workers"])), best),
          f"summary Best Share = {s['Best Share']} is status.json's best share (integer part)", str(best))

    version = await api.version()
    ok_status(version, "version")
    v = version["VERSION"][0]
    check(v.get("CGMiner") == after["version"] and after["version"] in v.get("Miner", ""),
          f"version CGMiner = {v.get('CGMiner')}, Miner = {v.get('Miner')!r} name status.json's version {after['version']}")

    config = await api.config()
    ok_status(config, "config")
    c = config["CONFIG"][0]
    check(c["ASC Count"] == len(after["workers"]) and c["Pool Count"] == len(after["workers"]),
          f"config ASC Count = {c['ASC Count']}, Pool Count = {c['Pool Count']} for {len(after['workers'])} worker(s)")
    check(c.get("Kernel") == after["kernel"] and c.get("Threads") == after["threads"],
          f"config Kernel = {c.get('Kernel')}, Threads = {c.get('Threads')} are status.json's")

    devdetails = await api.devdetails()
    ok_status(devdetails, "devdetails")
    dd = devdetails["DEVDETAILS"]
    check(len(dd) == len(after["workers"]) and dd[0].get("Device Path") == after["workers"][0]["name"],
          f"devdetails: {len(dd)} device(s), Device Path = {dd[0].get('Device Path')} is the worker's name")

    stats = await api.stats()
    ok_status(stats, "stats")
    records = stats["STATS"]
    worker_stats = [r for r in records if str(r.get("ID", "")).startswith("SWM")]
    pool_stats = [r for r in records if str(r.get("ID", "")).startswith("POOL")]
    check(worker_stats and worker_stats[0].get("Threads") == len(after["workers"][0]["hashrate"]["per_thread"]),
          f"stats: worker record, Threads = {worker_stats[0].get('Threads') if worker_stats else None}")
    latency = (b["submit_latency_ms"]["count"], a["submit_latency_ms"]["count"])
    stats_after = read_status_written_after(status_path, time.time())["workers"][0]["submit_latency_ms"]["count"]
    check(pool_stats and between(pool_stats[0].get("Pool Calls", -1), latency[0], stats_after),
          f"stats: Pool Calls = {pool_stats[0].get('Pool Calls') if pool_stats else None} is status.json's submit count",
          f"{latency[0]} .. {stats_after}")

    checked = await api.check("summary")
    ok_status(checked, "check summary")
    ck = checked.get("CHECK", [{}])[0]
    check(ck.get("Exists") == "Y" and ck.get("Access") == "Y", f"check summary: Exists {ck.get('Exists')}, Access {ck.get('Access')}")
    unknown = await api.send_command("nosuchcommand", ignore_errors=True, allow_warning=False)
    check(unknown.get("STATUS", [{}])[0].get("STATUS") == "E", "an unknown command is answered with STATUS E",
          unknown.get("STATUS", [{}])[0].get("Msg", ""))

    # Multicommand: pyasic joins with "+" and silently falls back to one request per command if
    # that fails, so send the joined command directly first, then through multicommand() with
    # the fallback disabled.
    joined = await api.send_command("summary+pools+devs+stats+config+version+devdetails")
    sections = ("summary", "pools", "devs", "stats", "config", "version", "devdetails")
    check(all(k in joined and joined[k][0]["STATUS"][0]["STATUS"] == "S" for k in sections),
          "pyasic send_command('summary+pools+devs+stats+config+version+devdetails'): every part answered S",
          ", ".join(sorted(k for k in joined if k != "id")))
    async def no_split(*args, **kwargs):
        raise RuntimeError("multicommand fell back to separate requests")
    api._send_split_multicommand = no_split
    try:
        multi = await api.multicommand("summary", "pools", "devs")
        check(all(multi[k][0]["STATUS"][0]["STATUS"] == "S" for k in ("summary", "pools", "devs")),
              "pyasic multicommand('summary', 'pools', 'devs'): one request, three answers",
              f"Accepted {multi['summary'][0]['SUMMARY'][0]['Accepted']}")
    except Exception as error:
        check(False, "pyasic multicommand('summary', 'pools', 'devs')", repr(error))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--metrics-port", type=int, required=True)
    parser.add_argument("--api-port", type=int, required=True)
    parser.add_argument("--prometheus-port", type=int, required=True)
    parser.add_argument("--status-file", required=True)
    parser.add_argument("--dashboard", required=True)
    parser.add_argument("--rules", required=True)
    parser.add_argument("--scrape-out", required=True)
    args = parser.parse_args()

    print("== /metrics", flush=True)
    scrape = http_get(f"http://127.0.0.1:{args.metrics_port}/metrics")
    with open(args.scrape_out, "w") as f:
        f.write(scrape)
    emitted = scraped_names(scrape)
    check(len(emitted) > 10, f"scraped {len(scrape)} bytes, {len(emitted)} sample names")
    lint = subprocess.run(["promtool", "check", "metrics"], input=scrape, capture_output=True, text=True)
    check(lint.returncode == 0, "promtool check metrics", (lint.stdout + lint.stderr).strip() or "no problems")

    print("== metric names in the dashboard and the alert rules", flush=True)
    with open(args.dashboard) as f:
        dashboard = json.load(f)
    check_dashboard_structure(dashboard)
    queries = dashboard_queries(dashboard)
    rules = rule_expressions(args.rules)
    check(len(rules) >= 5, f"alert rules: {len(rules)} expressions")
    used = set()
    for where, expr in queries + rules:
        names = metric_names(expr)
        unknown = sorted(n for n in names if n not in emitted and n not in PROMETHEUS_SERIES)
        if not names or unknown:
            check(False, f"{where} names only emitted metrics", f"unknown: {unknown}" if unknown else f"no metric in {expr!r}")
        used |= names
    check(all(n in emitted or n in PROMETHEUS_SERIES for n in used),
          f"{len(queries)} dashboard queries and {len(rules)} rule expressions use {len(used)} names, all emitted",
          " ".join(sorted(used)))

    print("== Prometheus", flush=True)
    base = f"http://127.0.0.1:{args.prometheus_port}"
    deadline = time.time() + 30
    value = None
    while time.time() < deadline:
        try:
            result = prometheus_query(base, 'swiftminer_shares_total{result="accepted"}')
            series = result.get("data", {}).get("result", [])
            if series and float(series[0]["value"][1]) > 0:
                value = series[0]
                break
        except OSError:
            pass
        time.sleep(1)
    check(value is not None, 'Prometheus query swiftminer_shares_total{result="accepted"} > 0',
          f"{value['metric']} = {value['value'][1]}" if value else "no sample above 0 within 30 s")
    up = prometheus_query(base, 'up{job="swiftminer"}').get("data", {}).get("result", [])
    check(len(up) == 1 and up[0]["value"][1] == "1", 'Prometheus up{job="swiftminer"} == 1', json.dumps(up))
    bad = []
    for where, expr in queries:
        result = prometheus_query(base, grafana_to_promql(expr))
        if result.get("status") != "success":
            bad.append(f"{where}: {result.get('error')}")
    check(not bad, f"Prometheus evaluates all {len(queries)} dashboard queries without error", "; ".join(bad))
    # Several scrapes, not one: the accepted counter grew between scrapes in Prometheus' storage.
    growth = []
    deadline = time.time() + 20
    while not growth and time.time() < deadline:
        growth = prometheus_query(base, 'increase(swiftminer_shares_total{result="accepted"}[30s]) > 0').get("data", {}).get("result", [])
        if not growth:
            time.sleep(1)
    check(bool(growth), 'Prometheus increase(swiftminer_shares_total{result="accepted"}[30s]) > 0',
          growth[0]["value"][1] if growth else "the counter did not grow across scrapes")
    time.sleep(2)                                   # one more rule evaluation
    groups = json.loads(http_get(f"{base}/api/v1/rules")).get("data", {}).get("groups", [])
    loaded = [r for g in groups for r in g.get("rules", [])]
    check(len(loaded) == len(rules) and all(r.get("health") == "ok" for r in loaded),
          f"Prometheus loaded {len(loaded)} alert rules, all evaluate with health ok",
          ", ".join(f"{r['name']}={r.get('health')}/{r.get('state')}" + (f" ({r.get('lastError')})" if r.get("lastError") else "") for r in loaded))
    firing = [r["name"] for r in loaded if r.get("state") == "firing"]
    check(not firing, "no alert fires against a healthy miner", ", ".join(firing))

    print("== cgminer API through pyasic", flush=True)
    try:
        asyncio.run(pyasic_checks(args.api_port, args.status_file))
    except Exception as error:
        check(False, "pyasic reads", repr(error))

    if failures:
        print(f"check-monitoring-clients: {len(failures)} check(s) FAILED", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
