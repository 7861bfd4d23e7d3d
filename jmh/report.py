#!/usr/bin/env python3
"""Turns a JMH JSON result of the SlotGrid benchmarks into Markdown tables and an SVG chart.

    python3 jmh/report.py check  RESULT.json            # counts results, names missing implementations
    python3 jmh/report.py tables RESULT.json            # Markdown tables with ratios, on stdout
    python3 jmh/report.py chart  RESULT.json OUT.svg    # bar chart of get/put throughput per implementation
        [--workloads get_1t,put_1t] [--keys uniform,zipfian]

Every ratio is between two scores of the same file, so of the same run. Standard library only.
"""

import argparse
import json
import math
import os
import sys
from collections import OrderedDict
from xml.sax.saxutils import escape

PACKAGE = "dev.slotgrid.jmh."
# Report order; the names are MapTarget's.
IMPLS = ["chm", "chm-owner-keys", "chm-crc16", "chm-slots", "slotgrid-local", "slotgrid-remote",
         "hazelcast-1", "hazelcast-3", "chronicle"]
WORKLOADS = ["get_1t", "get_2t", "put_1t", "put_2t", "mix95_1t", "mix95_2t", "mix50_1t", "mix50_2t", "readWrite_2t"]
COLOURS = {"chm": "#7f7f7f", "slotgrid-local": "#1f77b4", "slotgrid-remote": "#6baed6",
           "hazelcast-1": "#d62728", "hazelcast-3": "#ff9896", "chronicle": "#2ca02c",
           "chm-owner-keys": "#bcbd22", "chm-crc16": "#9467bd", "chm-slots": "#8c564b"}
ALLOC = "gc.alloc.rate.norm"


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def split(entry):
    """('MapBenchmark', 'get_1t') from the entry's benchmark name."""
    name = entry["benchmark"]
    if name.startswith(PACKAGE):
        name = name[len(PACKAGE):]
    cls, _, method = name.partition(".")
    return cls, method


def secondary(entry, label):
    metric = entry.get("secondaryMetrics", {}).get(label)
    return None if metric is None else metric["score"]


def by_class(results, cls):
    return [e for e in results if split(e)[0] == cls]


# ---------------------------------------------------------------- formatting

def si(value):
    """17.8 M, 27.3 k, 950."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    for factor, suffix in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if abs(value) >= factor:
            return f"{value / factor:.3g}{suffix}"
    return f"{value:.3g}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "n/a"
    r = a / b
    if r >= 100:
        return f"{r:,.0f}×"
    if r >= 10:
        return f"{r:.1f}×"
    if r >= 0.1:
        return f"{r:.2f}×"
    return f"{r:.2g}×"


def error_pct(entry):
    """The iterations' standard deviation relative to the score. (JMH's own scoreError is a 99.9%
    confidence half-width: with 3 iterations that is 18 standard deviations, too wide to read.)"""
    samples = [x for fork in entry["primaryMetric"].get("rawData", []) for x in fork]
    mean = sum(samples) / len(samples) if samples else 0
    if len(samples) < 2 or mean == 0:
        return ""
    sd = math.sqrt(sum((x - mean) ** 2 for x in samples) / (len(samples) - 1))
    return f" ± {100 * sd / mean:.0f}%"


def alloc(entry):
    value = secondary(entry, ALLOC)
    if value is None:
        return "n/a"
    return "0" if value < 0.05 else f"{value:.1f}"


def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# ---------------------------------------------------------------- check

def check(results):
    if not results:
        print("no results", file=sys.stderr)
        return 1
    counts = OrderedDict()
    for e in results:
        cls, _ = split(e)
        counts[cls] = counts.get(cls, 0) + 1
    print("results: " + ", ".join(f"{cls} {n}" for cls, n in counts.items()))
    missing = []
    groups = OrderedDict()
    for e in by_class(results, "MapBenchmark"):
        groups.setdefault((split(e)[1], e["params"]["keys"]), set()).add(e["params"]["impl"])
    present = set().union(*groups.values()) if groups else set()
    for (workload, keys), impls in groups.items():
        for impl in sorted(present - impls):
            missing.append(f"MapBenchmark.{workload} keys={keys} impl={impl}")
    for line in missing:
        print("missing (failed?): " + line, file=sys.stderr)
    return 1 if missing else 0


# ---------------------------------------------------------------- tables

def map_tables(results):
    out = []
    entries = by_class(results, "MapBenchmark")
    keyed = OrderedDict()
    for workload in WORKLOADS:
        for keys in ("uniform", "zipfian"):
            rows = {e["params"]["impl"]: e for e in entries
                    if split(e)[1] == workload and e["params"]["keys"] == keys}
            if rows:
                keyed[(workload, keys)] = rows
    for (workload, keys), rows in keyed.items():
        chm, hz1, hz3 = (rows.get(n, {}).get("primaryMetric", {}).get("score") for n in
                         ("chm", "hazelcast-1", "hazelcast-3"))
        parts = workload == "readWrite_2t"
        headers = ["implementation", "ops/s ± sd"] + (["get part", "put part"] if parts else []) + [
            "× chm", "× hazelcast-1", "× hazelcast-3", "alloc B/op"]
        body = []
        for impl in IMPLS:
            e = rows.get(impl)
            if e is None:
                continue
            score = e["primaryMetric"]["score"]
            row = [impl, f"{si(score)}{error_pct(e)}"]
            if parts:
                row += [si(secondary(e, workload + "_get")), si(secondary(e, workload + "_put"))]
            row += [ratio(score, chm), ratio(score, hz1), ratio(score, hz3), alloc(e)]
            body.append(row)
        threads = next(iter(rows.values()))["threads"]
        size = next(iter(rows.values()))["params"].get("size")
        out.append(f"#### MapBenchmark.{workload}, {keys} keys ({threads} thread{'s' if threads > 1 else ''}, "
                   f"{size} keys)\n\n" + table(headers, body))
    return out


def keyslot_table(results):
    entries = by_class(results, "KeySlotBenchmark")
    if not entries:
        return []
    cells = {}
    for e in entries:
        p = e["params"]
        cells[(int(p["keyLength"]), p["tagged"], split(e)[1])] = e
    headers = ["key length", "hash tag", "crc16 String ns", "crc16 byte[] ns", "murmur3 String ns",
               "murmur3 byte[] ns", "crc16/murmur3 String", "crc16/murmur3 byte[]", "crc16 String B/op",
               "murmur3 String B/op"]
    body = []
    for length, tagged in sorted({(k[0], k[1]) for k in cells}):
        def get(method):
            return cells.get((length, tagged, method))

        def ns(method):
            e = get(method)
            return None if e is None else e["primaryMetric"]["score"]

        body.append([length, "yes" if tagged == "true" else "no",
                     *(f"{ns(m):.1f}" if ns(m) is not None else "n/a"
                       for m in ("crc16String", "crc16Bytes", "murmur3String", "murmur3Bytes")),
                     ratio(ns("crc16String"), ns("murmur3String")), ratio(ns("crc16Bytes"), ns("murmur3Bytes")),
                     alloc(get("crc16String")) if get("crc16String") else "n/a",
                     alloc(get("murmur3String")) if get("murmur3String") else "n/a"])
    return ["#### KeySlotBenchmark (average time per key, lower is better)\n\n" + table(headers, body)]


def getcost_tables(results):
    entries = by_class(results, "GetCostBenchmark")
    out = []
    for size in sorted({int(e["params"]["size"]) for e in entries}):
        rows = {e["params"]["impl"]: e for e in entries if int(e["params"]["size"]) == size}
        chm = rows.get("chm", {}).get("primaryMetric", {}).get("score")
        body = []
        previous = None
        for impl in IMPLS:
            e = rows.get(impl)
            if e is None:
                continue
            score = e["primaryMetric"]["score"]
            ns = 1e9 / score
            step = "" if previous is None else f"{ns - previous:+.1f}"
            body.append([impl, f"{si(score)}{error_pct(e)}", f"{ns:.1f}", step, ratio(score, chm), alloc(e)])
            previous = ns
        keys = next(iter(rows.values()))["params"].get("keys")
        out.append(f"#### GetCostBenchmark.get, {size} keys, {keys} (1 thread)\n\n" + table(
            ["step", "ops/s ± sd", "ns/op", "Δ ns/op vs previous step", "× chm", "alloc B/op"], body))
    return out


def tables(results):
    return "\n\n".join(keyslot_table(results) + map_tables(results) + getcost_tables(results)) + "\n"


# ---------------------------------------------------------------- chart

def chart(results, workloads, keys_wanted, source):
    entries = by_class(results, "MapBenchmark")
    groups = []
    for workload in workloads:
        for keys in keys_wanted:
            rows = {e["params"]["impl"]: e["primaryMetric"]["score"] for e in entries
                    if split(e)[1] == workload and e["params"]["keys"] == keys}
            if rows:
                groups.append((f"{workload}, {keys} keys", [(i, rows[i]) for i in IMPLS if i in rows]))
    if not groups:
        raise SystemExit("no MapBenchmark results for " + ", ".join(workloads))
    scores = [s for _, bars in groups for _, s in bars if s > 0]
    lo = 10 ** math.floor(math.log10(min(scores)))
    hi = 10 ** math.ceil(math.log10(max(scores)))

    bar_h, gap, group_gap = 16, 4, 26
    left, right, top = 190, 70, 70
    plot_w = 560
    width = left + plot_w + right
    height = top + sum(group_gap + len(bars) * (bar_h + gap) for _, bars in groups) + 60

    def x(value):
        return left + plot_w * (math.log10(value) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))

    first = entries[0]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{left}" y="24" font-size="15" font-weight="bold">'
           f'Throughput per implementation (ops/s, log scale, higher is better)</text>',
           f'<text x="{left}" y="42" fill="#555">{escape(os.path.basename(source))}: JDK '
           f'{escape(first.get("jdkVersion", "?"))}, {first["params"].get("size", "?")} keys, '
           f'JMH {escape(first.get("jmhVersion", "?"))}; one fork per bar</text>']
    decade = lo
    while decade <= hi:
        gx = x(decade)
        svg.append(f'<line x1="{gx:.1f}" y1="{top - 12}" x2="{gx:.1f}" y2="{height - 40}" stroke="#ddd"/>')
        svg.append(f'<text x="{gx:.1f}" y="{height - 24}" text-anchor="middle" fill="#555">{si(decade)}</text>')
        decade *= 10
    y = top
    for title, bars in groups:
        svg.append(f'<text x="10" y="{y + 4}" font-weight="bold">{escape(title)}</text>')
        y += group_gap - 14
        for impl, score in bars:
            w = max(1.0, x(score) - left)
            svg.append(f'<text x="{left - 8}" y="{y + bar_h - 4}" text-anchor="end">{escape(impl)}</text>')
            svg.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                       f'fill="{COLOURS.get(impl, "#444")}"><title>{escape(impl)}: {score:,.0f} ops/s</title></rect>')
            svg.append(f'<text x="{left + w + 4:.1f}" y="{y + bar_h - 4}" fill="#333">{si(score)}</text>')
            y += bar_h + gap
        y += 14
    svg.append("</svg>")
    return "\n".join(svg) + "\n"


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("check", "tables"):
        sub.add_parser(name).add_argument("result")
    c = sub.add_parser("chart")
    c.add_argument("result")
    c.add_argument("svg")
    c.add_argument("--workloads", default="get_1t,put_1t")
    c.add_argument("--keys", default="uniform,zipfian")
    args = parser.parse_args(argv)
    results = load(args.result)
    if args.command == "check":
        return check(results)
    if args.command == "tables":
        sys.stdout.write(tables(results))
        return 0
    with open(args.svg, "w", encoding="utf-8") as f:
        f.write(chart(results, args.workloads.split(","), args.keys.split(","), args.result))
    print("wrote " + args.svg)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
