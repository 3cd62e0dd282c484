#!/usr/bin/env python3
"""Scores a Keyprint match timeline CSV against samples/truth.json.

Usage: evaluate-samples.py TIMELINE.csv [--truth samples/truth.json] [--markdown]

A pair of files is *linked* when the timeline has at least one segment between them (either
direction). Precision and recall count unordered file pairs. For each true pair that is
linked, the found span on each side is the hull of its segments; it is *within 1 s* when both
ends on both sides are within 1 s of the truth, and its IoU is the mean of the two sides'
interval IoU; "span ends" gives the error of each of those four ends. A pair linked only
through a third file (a derived link: the timeline's linked_via) is marked "(derived)"; the
last line counts direct links alone.

It also prints the VSC22 matching-track micro average precision (µAP, see micro_ap below),
the share of true pairs whose found span has all four ends within 0.5 s of the truth, and the
recall per transform (a pair counts for every transform its two files differ by).
--json PATH writes those figures as JSON (scripts/bench-samples --seeds reads it).
Exit status 0; the numbers are the result.
"""
import csv, json, math, os, sys
from collections import defaultdict

def rel(path, root_names=("samples",)):
    parts = os.path.normpath(path).split(os.sep)
    for i in range(len(parts) - 1, -1, -1):
        if parts[i] in root_names:
            return "/".join(parts[i + 1:])
    return path

def iou(a, b):
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union > 0 else 0.0

def merged(intervals):
    """The union of intervals as sorted, disjoint (start, end) pairs."""
    out = []
    for lo, hi in sorted(intervals):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out

def length(intervals):
    return sum(hi - lo for lo, hi in merged(intervals))

def overlap_length(xs, ys):
    """Length of (union of xs) ∩ (union of ys)."""
    total, mx, my = 0.0, merged(xs), merged(ys)
    for a0, a1 in mx:
        for b0, b1 in my:
            total += max(0.0, min(a1, b1) - max(a0, b0))
    return total

def micro_ap(truth, predictions):
    """VSC22 matching-track µAP (Pizzi et al., "The 2023 Video Similarity Dataset and
    Challenge"; the metric of facebookresearch/vsc2022), written from its definition:
    truth: {pair: [((a0, a1), (b0, b1)), ...]}; predictions: [(pair, (a0, a1), (b0, b1), score)].
    Predictions are taken in descending score, those with equal scores as one step. After each
    step, on each axis (a and b): covered = Σ over pairs of |union of the pair's predicted
    intervals ∩ union of its true intervals that overlap (as a rectangle, with positive area)
    some prediction of the pair|; precision = covered / Σ |union of predicted intervals|,
    recall = covered / Σ |union of true intervals|. The step's precision and recall are the
    geometric means of the two axes'; µAP = Σ precision × (recall − previous recall)."""
    def area_overlap(p, g):
        return (min(p[0][1], g[0][1]) - max(p[0][0], g[0][0]) > 0) and (min(p[1][1], g[1][1]) - max(p[1][0], g[1][0]) > 0)
    truth_total = [sum(length([g[axis] for g in gs]) for gs in truth.values()) for axis in (0, 1)]
    if min(truth_total) <= 0:
        return 0.0
    preds_by_pair = defaultdict(list)
    covered = {}; predicted = {}
    ap, previous = 0.0, 0.0
    ordered = sorted(predictions, key=lambda p: -p[3])
    i = 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][3] == ordered[i][3]:
            pair, a, b, _ = ordered[j]
            preds_by_pair[pair].append((a, b))
            ps = preds_by_pair[pair]
            hit = [g for g in truth.get(pair, []) if any(area_overlap(p, g) for p in ps)]
            covered[pair] = [overlap_length([p[axis] for p in ps], [g[axis] for g in hit]) for axis in (0, 1)]
            predicted[pair] = [length([p[axis] for p in ps]) for axis in (0, 1)]
            j += 1
        i = j
        cov = [sum(c[axis] for c in covered.values()) for axis in (0, 1)]
        tot = [sum(t[axis] for t in predicted.values()) for axis in (0, 1)]
        recall = math.sqrt((cov[0] / truth_total[0]) * (cov[1] / truth_total[1]))
        precision = math.sqrt((cov[0] / tot[0]) * (cov[1] / tot[1])) if tot[0] > 0 and tot[1] > 0 else 0.0
        ap += precision * (recall - previous)
        previous = recall
    return ap

def main():
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__); return 0
    timeline = args[0]
    truth_path = args[args.index("--truth") + 1] if "--truth" in args else os.path.join(os.path.dirname(__file__), "..", "samples", "truth.json")
    markdown = "--markdown" in args
    truth = json.load(open(truth_path))
    json_out = args[args.index("--json") + 1] if "--json" in args else None
    segs = defaultdict(list)   # (a, b) sorted key -> list of ((a0,a1),(b0,b1))
    predictions = []           # (key, a interval, b interval, score) for micro_ap
    derived = set()            # keys linked only through a third file (linked_via)
    roots = ("samples", os.path.basename(os.path.dirname(os.path.abspath(truth_path))))
    with open(timeline, newline="") as f:
        for row in csv.DictReader(f):
            q, r = rel(row["query_path"], roots), rel(row["reference_path"], roots)
            qs = (float(row["query_start_s"]), float(row["query_end_s"]))
            rs = (float(row["reference_start_s"]), float(row["reference_end_s"]))
            key = tuple(sorted((q, r)))
            segs[key].append((qs, rs) if key == (q, r) else (rs, qs))
            predictions.append((key,) + segs[key][-1] + (float(row["score"]),))
            if row.get("linked_via"): derived.add(key)
    true_pairs = {}
    truth_spans = defaultdict(list)   # key -> every true ((a0,a1),(b0,b1)) of the pair
    transforms = {}                   # key -> the transforms its two files differ by
    for p in truth["pairs"]:
        key = tuple(sorted((p["a"], p["b"])))
        a = (p["a_start_s"], p["a_end_s"]); b = (p["b_start_s"], p["b_end_s"])
        truth_spans[key].append((a, b) if key == (p["a"], p["b"]) else (b, a))
        transforms[key] = sorted(set(transforms.get(key, [])) | set(p["transform"]))
        true_pairs[key] = (a, b) if key == (p["a"], p["b"]) else (b, a)
        true_pairs[key] = true_pairs[key] + ("+".join(p["transform"]),)
    linked = set(segs)
    tp = linked & set(true_pairs); fp = linked - set(true_pairs); fn = set(true_pairs) - linked
    precision = len(tp) / len(linked) if linked else 1.0
    recall = len(tp) / len(true_pairs) if true_pairs else 1.0
    rows, ious, within, within_half, end_errors = [], [], 0, 0, []
    for key in sorted(true_pairs):
        ta, tb, transform = true_pairs[key]
        if key not in segs:
            rows.append((key[0], key[1], transform, f"{ta[0]:.1f}-{ta[1]:.1f}", "—", f"{tb[0]:.1f}-{tb[1]:.1f}", "—", "—", "missed"))
            continue
        fa = (min(s[0][0] for s in segs[key]), max(s[0][1] for s in segs[key]))
        fb = (min(s[1][0] for s in segs[key]), max(s[1][1] for s in segs[key]))
        score = (iou(fa, ta) + iou(fb, tb)) / 2
        ok = all(abs(x - y) <= 1.0 for x, y in zip(fa + fb, ta + tb))
        within_half += all(abs(x - y) <= 0.5 for x, y in zip(fa + fb, ta + tb))
        end_errors.extend(abs(x - y) for x, y in zip(fa + fb, ta + tb))
        within += ok; ious.append(score)
        rows.append((key[0], key[1], transform, f"{ta[0]:.1f}-{ta[1]:.1f}", f"{fa[0]:.1f}-{fa[1]:.1f}",
                     f"{tb[0]:.1f}-{tb[1]:.1f}", f"{fb[0]:.1f}-{fb[1]:.1f}", f"{score:.2f}", ("ok" if ok else "span off") + (" (derived)" if key in derived else "")))
    mean_iou = sum(ious) / len(ious) if ious else 0.0
    head = ("a", "b", "transform", "truth a", "found a", "truth b", "found b", "IoU", "verdict")
    if markdown:
        print("| " + " | ".join(head) + " |"); print("|" + "---|" * len(head))
        for r in rows: print("| " + " | ".join(r) + " |")
    else:
        widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
        for r in [head] + rows: print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    for key in sorted(fp):
        print(f"false link: {key[0]} <-> {key[1]} " + ", ".join(f"{s[0][0]:.1f}-{s[0][1]:.1f} ~ {s[1][0]:.1f}-{s[1][1]:.1f}" for s in segs[key]))
    print(f"\ntrue pairs {len(true_pairs)}, linked pairs {len(linked)}, true links {len(tp)}, false links {len(fp)}, missed {len(fn)}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  spans within 1 s {within}/{len(true_pairs)}  mean span IoU {mean_iou:.3f}")
    if end_errors:
        n = len(end_errors)
        print(f"span ends (4 per linked true pair): mean error {sum(end_errors) / n:.3f} s, "
              f"within 0.5 s {sum(e <= 0.5 for e in end_errors)}/{n}, within 0.25 s {sum(e <= 0.25 for e in end_errors)}/{n}")
    uap = micro_ap(truth_spans, predictions)
    span_share = within_half / len(true_pairs) if true_pairs else 1.0
    print(f"µAP {uap:.3f}  span ends within 0.5 s {within_half}/{len(true_pairs)} ({span_share:.3f})")
    per_transform = {}
    for key, kinds in transforms.items():
        for kind in kinds:
            found, total = per_transform.get(kind, (0, 0))
            per_transform[kind] = (found + (key in linked), total + 1)
    print("recall by transform: " + ", ".join(f"{k} {f}/{t}" for k, (f, t) in sorted(per_transform.items())))
    if json_out:
        with open(json_out, "w") as f:
            json.dump({"true_pairs": len(true_pairs), "linked_pairs": len(linked), "true_links": len(tp),
                       "false_links": len(fp), "precision": precision, "recall": recall, "micro_ap": uap,
                       "span_ends_within_0_5_s": span_share, "mean_span_iou": mean_iou,
                       "recall_by_transform": {k: list(v) for k, v in sorted(per_transform.items())}}, f, indent=1)
    direct_tp = tp - derived
    print(f"direct links only (without links through a third file): true links {len(direct_tp)}, false links {len(fp - derived)}, "
          f"recall {len(direct_tp) / len(true_pairs) if true_pairs else 1.0:.3f}")
    return 0

if __name__ == "__main__":
    sys.exit(main())
