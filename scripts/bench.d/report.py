"""Turns the bench script's raw timings into the markdown section of BENCHMARKS.md.

Usage: python3 report.py RAW.tsv META.txt BENCHMARKS.md
RAW.tsv rows: round, input, tool, wall_s, user_s, sys_s, maxrss_kb, exit_code
Ratios are of medians of CPU time (user+sys: least disturbed by other load on the machine)
and of wall time, against `ffmpeg full` (or `ffmpeg nokey`) on the same input.
"""
import statistics
import sys
from collections import defaultdict

raw_path, meta_path, out_path = sys.argv[1:4]
rows = defaultdict(list)
failures = []
for line in open(raw_path):
    r, inp, tool, wall, user, sys_s, rss, code = line.rstrip("\n").split("\t")
    if code != "0":
        failures.append(f"{inp} {tool} round {r}: exit {code}")
        continue
    rows[(inp, tool)].append((float(wall), float(user) + float(sys_s), int(rss)))

def med(values):
    return statistics.median(values) if values else float("nan")

inputs, tools = [], []
for inp, tool in rows:
    if inp not in inputs: inputs.append(inp)
    if tool not in tools: tools.append(tool)

baseline_of = {"ffmpeg nokey": None, "keyprint keyframes": "ffmpeg nokey"}
targets = {"keyprint default (1/s)": ("ffmpeg full", 1.0), "keyprint keyframes": ("ffmpeg nokey", 1.5),
           "keyprint all frames": ("ffmpeg full", 1.5), "keyprint all frames, no regions": ("ffmpeg full", 1.5)}

lines = []
lines.append("<!-- bench:begin (written by scripts/bench; edit the script, not this section) -->")
lines.append("## Decode and hash speed (scripts/bench)")
lines.append("")
lines.extend(open(meta_path).read().rstrip("\n").split("\n"))
lines.append("")
lines.append("CPU = user+sys seconds (robust against other load); wall = elapsed seconds; both medians of the runs. "
             "Ratios are CPU-time ratios against the baseline named (wall ratio in brackets). "
             "RSS = peak resident set size of the process (max over runs).")
for inp in inputs:
    lines.append("")
    lines.append(f"### {inp}")
    lines.append("")
    lines.append("| tool | runs | CPU s | wall s | ratio vs ffmpeg full | ratio vs ffmpeg nokey | target | peak RSS MB |")
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
    base = {}
    for b in ("ffmpeg full", "ffmpeg nokey"):
        samples = rows.get((inp, b), [])
        base[b] = (med([s[1] for s in samples]), med([s[0] for s in samples])) if samples else None
    for tool in tools:
        samples = rows.get((inp, tool))
        if not samples: continue
        cpu, wall = med([s[1] for s in samples]), med([s[0] for s in samples])
        rss = max(s[2] for s in samples) / 1024
        cells = []
        for b in ("ffmpeg full", "ffmpeg nokey"):
            if base[b] and base[b][0] > 0:
                cells.append(f"{cpu / base[b][0]:.2f}× ({wall / base[b][1]:.2f}×)")
            else:
                cells.append("")
        target = ""
        if tool in targets:
            b, limit = targets[tool]
            if base[b]:
                ratio = cpu / base[b][0]
                target = f"≤ {limit}× {b.split()[1]}: {'met' if ratio <= limit else 'MISSED'}"
        if tool.startswith("keyprint") and "jobs" not in tool:
            target += ("; " if target else "") + ("RSS ≤ 250 MB: " + ("met" if rss <= 250 else "MISSED"))
        lines.append(f"| {tool} | {len(samples)} | {cpu:.2f} | {wall:.2f} | {cells[0]} | {cells[1]} | {target} | {rss:.0f} |")

    one = [s[0] for t, v in rows.items() if t[0] == inp and "jobs 1" in t[1] for s in v]
    two = [s[0] for t, v in rows.items() if t[0] == inp and "jobs 2" in t[1] for s in v]
    if one and two:
        speedup = med(one) / med(two)
        by_round = defaultdict(dict)
        for line in open(raw_path):
            r, i, tool, wall, *_rest, code = line.rstrip("\n").split("\t")
            if i == inp and code == "0" and "jobs" in tool:
                by_round[r]["1" if "jobs 1" in tool else "2"] = float(wall)
        rounds = [v["1"] / v["2"] for _, v in sorted(by_round.items()) if "1" in v and "2" in v and v["2"] > 0]
        lines.append("")
        lines.append(f"Throughput of --jobs 2 against --jobs 1 (median wall times): {speedup:.2f}× "
                     f"(target ≥ 1.8×: {'met' if speedup >= 1.8 else 'MISSED'}); per round: "
                     + ", ".join(f"{x:.2f}×" for x in rounds)
                     + ". The ratio cannot exceed the number of idle cores: a round in which another job held one core shows ~1×.")
if failures:
    lines.append("")
    lines.append("Failed runs (not counted): " + "; ".join(failures))
lines.append("<!-- bench:end -->")
section = "\n".join(lines) + "\n"

try:
    text = open(out_path).read()
except FileNotFoundError:
    text = "# Benchmarks\n\nEach section is written by the script it names; run that script to refresh it.\n\n"
begin = text.find("<!-- bench:begin")
end = text.find("<!-- bench:end -->")
if begin >= 0 and end > begin:
    text = text[:begin] + section + text[end + len("<!-- bench:end -->\n"):]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(out_path, "w").write(text)
print(section)
