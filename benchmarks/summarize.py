#!/usr/bin/env python3
"""Reads results/jmh.json and results/c-baseline.jsonl, prints the target ratios, writes maps-bench.json and .csv."""
import json
import statistics
import sys
import time
from pathlib import Path

out = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results")
c_runs = {}
for line in (out / "c-baseline.jsonl").read_text().splitlines():
    if line.strip():
        rec = json.loads(line)
        c_runs.setdefault(rec["op"], []).extend(rec["runs"])
c = {op: statistics.median(runs) for op, runs in c_runs.items()}

java, alloc = {}, {}
for b in json.loads((out / "jmh.json").read_text()):
    name = b["benchmark"].rsplit(".", 1)[1]
    raw = [x for fork in b["primaryMetric"]["rawData"] for x in fork]
    java[name] = statistics.median(raw)
    sec = b.get("secondaryMetrics", {})
    for key in ("gc.alloc.rate.norm", "\u00b7gc.alloc.rate.norm"):
        if key in sec:
            # Median over iterations: the last iteration also counts the trial tear-down (closing maps), which
            # shows up as a few B/op in that iteration only.
            alloc[name] = statistics.median([x for fork in sec[key]["rawData"] for x in fork])


paired = {}
if (out / "paired.jsonl").exists():
    for line in (out / "paired.jsonl").read_text().splitlines():
        if line.strip():
            rec = json.loads(line)
            paired[rec["op"]] = rec


def ratio(a, b):
    return a / b if a is not None and b else None


rows = []


def add(metric, value, target, ok, unit):
    rows.append({"metric": metric, "value": None if value is None else round(value, 3), "unit": unit,
                 "target": target, "met": ok})


for op in ("hash_lookup", "hash_update", "array_lookup"):
    r = paired.get(op, {}).get("ratio_median")
    add("java_vs_c_" + op, r, "<= 1.05", r is not None and r <= 1.05, "x (median of per-round Java/C, alternating in one process)")
for jname, cname in (("hashLookup", "hash_lookup"), ("hashUpdate", "hash_update"), ("arrayLookup", "array_lookup")):
    r = ratio(java.get(jname), c.get(cname))
    add("jmh_vs_c_run_" + cname, r, "info", None, "x (JMH median / separate C run median; noisy on a shared machine)")
for op, target, limit in (("batch_vs_single_update", ">= 5", 5), ("batch_vs_single_lookup", ">= 5", 5),
                          ("mmap_vs_syscall_array_read", ">= 50", 50)):
    r = paired.get(op, {}).get("ratio_median")
    add(op, r, target, r is not None and r >= limit, "x (median of per-round ratios, alternating in one process)")
r = ratio(java.get("updateSingle256"), java.get("updateBatch256"))
add("jmh_batch_vs_single_update", r, "info", None, "x elements/s (separate JMH runs)")
r = ratio(java.get("lookupSingle1024"), java.get("lookupBatch1024"))
add("jmh_batch_vs_single_lookup", r, "info", None, "x elements/s (separate JMH runs)")
r = ratio(java.get("arrayLookup"), java.get("arrayMmapRead"))
add("jmh_mmap_vs_syscall_array_read", r, "info", None, "x faster (separate JMH runs)")
r = ratio(c.get("hash_update"), c.get("hash_update_batch256_per_element"))
add("c_batch_vs_single_update", r, "info", None, "x elements/s in C: what the kernel allows here")
r = ratio(c.get("hash_lookup"), c.get("hash_lookup_batch_per_element"))
add("c_batch_vs_single_lookup", r, "info", None, "x elements/s in C: what the kernel allows here")
for name in ("hashLookup", "hashUpdate", "arrayLookup", "arrayMmapRead"):
    a = alloc.get(name)
    add("alloc_" + name, a, "0 B/op", a is not None and a < 0.5, "B/op (median over iterations)")
r = ratio(java.get("lookupSingle1024"), java.get("lookupBatchBoxed1024"))
add("batch_vs_single_lookup_boxed_getAll", r, "info", None, "x elements/s (getAll into a Map, boxing included)")
for name in ("hashLookupBoxed", "hashUpdateBoxed", "recordEncode", "recordDecode", "u64Encode", "u64Decode"):
    if name in alloc:
        add("alloc_" + name, alloc[name], "info", None, "B/op")

print()
print("%-32s %12s  %-8s %s" % ("metric", "value", "target", "met"))
for row in rows:
    v = "n/a" if row["value"] is None else "%.3f" % row["value"]
    print("%-32s %12s  %-8s %s   %s" % (row["metric"], v, row["target"], {True: "yes", False: "NO", None: "-"}[row["met"]], row["unit"]))
print()
print("ns/op  Java: " + ", ".join("%s=%.1f" % kv for kv in sorted(java.items())))
print("ns/op  C:    " + ", ".join("%s=%.1f" % kv for kv in sorted(c.items())))

result = {"timestamp": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "ratios": rows, "paired": paired,
          "java_ns_per_op": java, "c_ns_per_op": c, "java_alloc_bytes_per_op": alloc}
(out / "maps-bench.json").write_text(json.dumps(result, indent=2) + "\n")
with open(out / "maps-bench.csv", "w") as f:
    f.write("kind,name,value,unit\n")
    for row in rows:
        f.write("ratio,%s,%s,%s\n" % (row["metric"], "" if row["value"] is None else row["value"], row["unit"]))
    for k, v in sorted(java.items()):
        f.write("java_ns_per_op,%s,%.3f,ns\n" % (k, v))
    for k, v in sorted(c.items()):
        f.write("c_ns_per_op,%s,%.3f,ns\n" % (k, v))
    for k, v in sorted(alloc.items()):
        f.write("java_alloc,%s,%.3f,B/op\n" % (k, v))
print("wrote %s and %s" % (out / "maps-bench.json", out / "maps-bench.csv"))
