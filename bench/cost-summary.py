#!/usr/bin/env python3
"""Turns bench/cost.sh's raw outputs into the postback statement's cost table (markdown).

Inputs (in --raw): service.log / floor.log (PostgreSQL's log with auto_explain's JSON plans),
service.statements.tsv / floor.statements.tsv (pg_stat_statements), service.indexes.tsv /
floor.indexes.tsv (blocks per index, rows per table), service.json (the wrk run).

Each explained execution's plan is split into parts: every CTE (by its name), the final SELECT, and
each AFTER trigger (the deposit_changes trigger, the foreign-key checks), which EXPLAIN times apart
from the plan. A node's own time is its total minus its children's; a CTE's rows are produced once,
by the nodes that read them, so the reading nodes' time has the CTE's own time taken out (up to
what the CTE took in all) and the CTE is charged for it instead. The parts then add up to the execution (checked: "unattributed").
"""
import argparse
import json
import re
import statistics
from collections import defaultdict
from pathlib import Path

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \S+ \[\d+\] ")
PLAN_START = re.compile(r"LOG:  duration: ([\d.]+) ms  plan:\s*$")


def plans(log_path):
    """Yields (duration_ms, plan_json) for every auto_explain entry of a log."""
    lines = Path(log_path).read_text(errors="replace").splitlines()
    i = 0
    while i < len(lines):
        m = PLAN_START.search(lines[i]) if LINE.match(lines[i]) else None
        i += 1
        if not m:
            continue
        body = []
        while i < len(lines) and not LINE.match(lines[i]):
            body.append(lines[i])
            i += 1
        try:
            yield float(m.group(1)), json.loads("\n".join(body))
        except json.JSONDecodeError:
            continue


CONDITIONS = ("Index Cond", "Filter", "Recheck Cond", "Join Filter", "Hash Cond", "Merge Cond", "One-Time Filter", "TID Cond")


def attribute(plan):
    """Own time (ms) and own shared blocks per part of one executed plan.

    A node's own time is its total less its children's, with two corrections. A CTE's rows are made
    by the CTE Scan nodes that read them: those nodes give up the CTE's time (up to what it took in
    all). An InitPlan or SubPlan runs inside the node whose condition names its result ($n or
    "SubPlan n"), or else inside its parent's own work: that node gives up its time. So the parts add up
    to the execution, each timed once.
    """
    time = defaultdict(float)
    blocks = defaultdict(float)
    cte_total = {}
    subplans = []  # [name, params, total, blocks, parent id, taken]

    def total(node):
        return node.get("Actual Total Time", 0.0) * node.get("Actual Loops", 1)

    def node_blocks(node):
        return node.get("Shared Hit Blocks", 0) + node.get("Shared Read Blocks", 0)

    def collect(node):
        for child in node.get("Plans", []):
            name = child.get("Subplan Name", "")
            if name.startswith("CTE "):
                cte_total[name[4:]] = [total(child), node_blocks(child)]
            elif name:
                label = name.split(" (")[0]
                params = re.findall(r"\$\d+", name)
                subplans.append([label, params, total(child), node_blocks(child), id(node), False])
            collect(child)

    collect(plan["Plan"])

    def consumes(node, sp):
        text = " ".join(str(node.get(k, "")) for k in CONDITIONS)
        if sp[0] in text.replace("(", " ").replace(")", " ").split("  ") or f"{sp[0]})" in text or f"{sp[0]} " in text:
            return True
        return any(re.search(re.escape(p) + r"(?!\d)", text) for p in sp[1])

    def walk(node, part):
        name = node.get("Subplan Name", "")
        if name.startswith("CTE "):
            part = name[4:]
        children = node.get("Plans", [])
        regular = [c for c in children if not c.get("Subplan Name")]
        own_t = total(node) - sum(total(c) for c in regular)
        own_b = node_blocks(node) - sum(node_blocks(c) for c in regular)
        cte = node.get("CTE Name")
        if node.get("Node Type") == "CTE Scan" and cte in cte_total:
            left = cte_total[cte]
            take_t, take_b = min(max(own_t, 0.0), left[0]), min(max(own_b, 0), left[1])
            own_t, own_b = own_t - take_t, own_b - take_b
            left[0] -= take_t
            left[1] -= take_b
        for sp in subplans:
            if not sp[5] and consumes(node, sp):
                sp[5] = True
                own_t -= sp[2]
                own_b -= sp[3]
        for sp in subplans:
            # Not named by any condition: computed in its parent's own work (its output, its target list).
            if not sp[5] and sp[4] == id(node) and not any(consumes(c, sp) for c in all_nodes(node)):
                sp[5] = True
                own_t -= sp[2]
                own_b -= sp[3]
        time[part] += own_t
        blocks[part] += own_b
        for child in children:
            walk(child, part)

    walk(plan["Plan"], "final SELECT")
    for trigger in plan.get("Triggers", []):
        label = "trigger " + trigger.get("Trigger Name", "?")
        if label.startswith("trigger RI_ConstraintTrigger"):
            label = "foreign-key checks (" + trigger.get("Relation", "?") + ")"
        time[label] += trigger.get("Time", 0.0)
    return time, blocks


def all_nodes(node):
    for child in node.get("Plans", []):
        yield child
        yield from all_nodes(child)


def summarize(log_path, prefix):
    parts_t = defaultdict(list)
    parts_b = defaultdict(list)
    durations, executions = [], []
    for duration, plan in plans(log_path):
        if not plan.get("Query Text", "").lstrip().startswith(prefix):
            continue
        t, b = attribute(plan)
        executions.append(plan["Plan"].get("Actual Total Time", 0.0) + sum(x.get("Time", 0.0) for x in plan.get("Triggers", [])))
        durations.append(duration)
        for k in set(t) | set(b):
            parts_t[k].append(t.get(k, 0.0))
            parts_b[k].append(b.get(k, 0))
    n = len(durations)
    if n == 0:
        return None
    # Parts missing from some executions (a CTE that read nothing) count as zero there.
    mean = lambda xs: sum(xs) / n
    return {
        "n": n,
        "duration": statistics.mean(durations),
        "median": statistics.median(durations),
        "parts": {k: (mean(parts_t[k]), mean(parts_b[k])) for k in parts_t},
        "executions": statistics.mean(executions),
    }


def statements(path, prefix):
    rows = []
    for line in Path(path).read_text().splitlines():
        calls, plans_, plan_ms, exec_ms, blocks, wal, toplevel, query = line.split("\t")
        rows.append((int(calls), int(plans_), float(plan_ms), float(exec_ms), int(blocks), float(wal or 0), toplevel == "t", query))
    top = [r for r in rows if r[7].startswith(prefix) and r[6]]
    nested = [r for r in rows if not r[6]]
    return top, nested


def indexes(path):
    idx, tables = {}, {}
    for line in Path(path).read_text().splitlines():
        kind, rel, index, value = line.split("\t")
        (idx if kind == "index" else tables)[(rel, index) if kind == "index" else rel] = int(value)
    return idx, tables


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--connections", required=True)
    ap.add_argument("--sample", required=True)
    ap.add_argument("--build", default="")
    a = ap.parse_args()
    raw = Path(a.raw)
    service = summarize(raw / "service.log", "WITH incoming AS")
    floor = summarize(raw / "floor.log", "WITH n AS")
    s_top, s_nested = statements(raw / "service.statements.tsv", "WITH incoming AS")
    f_top, _ = statements(raw / "floor.statements.tsv", "WITH n AS")
    s_idx, s_tables = indexes(raw / "service.indexes.tsv")
    f_idx, f_tables = indexes(raw / "floor.indexes.tsv")
    run = json.loads((raw / "service.json").read_text())
    s_calls = sum(r[0] for r in s_top) or 1
    f_calls = sum(r[0] for r in f_top) or 1

    print(f"# The postback statement's cost, part by part ({a.connections} connections)\n")
    print(f"Build: {a.build}. auto_explain (ANALYZE, BUFFERS, timing) on {a.sample} of the executions; "
          f"service {run.get('accepted_per_s', 0):.0f} accepted postbacks/s while measured, {s_calls} statements, "
          f"floor {f_calls} statements.\n")
    print("## pg_stat_statements (every execution)\n")
    print("| | calls | plans | planning ms/call | execution ms/call | blocks/call | WAL bytes/call |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, rows in (("service (postback statement)", s_top), ("floor", f_top)):
        c = sum(r[0] for r in rows) or 1
        print(f"| {label} | {sum(r[0] for r in rows)} | {sum(r[1] for r in rows)} | {sum(r[2] for r in rows) / c:.3f} | "
              f"{sum(r[3] for r in rows) / c:.3f} | {sum(r[4] for r in rows) / c:.1f} | {sum(r[5] for r in rows) / c:.0f} |")
    if s_nested:
        print("\nNested statements run for the service's postbacks (triggers' own SQL), per postback statement:\n")
        print("| statement | calls per postback | ms per postback | blocks per postback |")
        print("|---|---:|---:|---:|")
        for r in sorted(s_nested, key=lambda r: -r[3])[:8]:
            print(f"| `{r[7][:90]}` | {r[0] / s_calls:.2f} | {r[3] / s_calls:.3f} | {r[4] / s_calls:.1f} |")

    print("\n## Parts of one execution (auto_explain sample: mean per execution)\n")
    if service is None or floor is None:
        print("No explained executions were found in the log.")
        return
    print(f"Explained: service {service['n']}, floor {floor['n']}. Execution as logged: service {service['duration']:.3f} ms "
          f"(median {service['median']:.3f}), floor {floor['duration']:.3f} ms (median {floor['median']:.3f}).\n")
    print("| part | service ms | service blocks | floor ms | floor blocks |")
    print("|---|---:|---:|---:|---:|")
    keys = sorted(set(service["parts"]) | set(floor["parts"]), key=lambda k: -max(service["parts"].get(k, (0, 0))[0], floor["parts"].get(k, (0, 0))[0]))
    for k in keys:
        st, sb = service["parts"].get(k, (0.0, 0.0))
        ft, fb = floor["parts"].get(k, (0.0, 0.0))
        print(f"| {k} | {st:.3f} | {sb:.1f} | {ft:.3f} | {fb:.1f} |")
    for label, x in (("service", service), ("floor", floor)):
        attributed = sum(t for t, _ in x["parts"].values())
        print(f"\n{label}: the parts add up to {attributed:.3f} ms of the {x['duration']:.3f} ms auto_explain logged per execution "
              f"(the executor's run and finish; the start, which opens and locks every relation and index the plan names, "
              f"is not in it, nor is the planning).")

    print("\n## Index and table upkeep per postback (blocks touched, all executions)\n")
    print("| table | index | service blocks/postback | floor blocks/postback |")
    print("|---|---|---:|---:|")
    for key in sorted(set(s_idx) | set(f_idx), key=lambda k: -s_idx.get(k, 0)):
        sv, fv = s_idx.get(key, 0) / s_calls, f_idx.get(key, 0) / f_calls
        if sv < 0.05 and fv < 0.05:
            continue
        print(f"| {key[0]} | {key[1]} | {sv:.2f} | {fv:.2f} |")
    print("\n| table | rows written per postback, service | floor |")
    print("|---|---:|---:|")
    for t in sorted(set(s_tables) | set(f_tables)):
        print(f"| {t} | {s_tables.get(t, 0) / s_calls:.2f} | {f_tables.get(t, 0) / f_calls:.2f} |")


if __name__ == "__main__":
    main()
