#!/usr/bin/python3
"""Compares two benchmark runs (JSON lines from run_benchmarks.py) and prints a table:
  bench/compare.py before.jsonl after.jsonl [--plot out.png]
Rows are matched on (bench, workers); the ratio is after/before seconds (< 1 is faster)."""
import argparse
import json


def load(path):
    with open(path) as f:
        return {(l["bench"], l.get("workers")): l for l in map(json.loads, filter(str.strip, f))}


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("before")
    p.add_argument("after")
    p.add_argument("--plot", help="write a bar chart of the ratios (needs matplotlib)")
    a = p.parse_args()
    before, after = load(a.before), load(a.after)
    rows = []
    print(f"{'bench':<18} {'workers':>7} {'before s':>10} {'after s':>10} {'after/before':>13}")
    for key in sorted(set(before) & set(after), key=str):
        b, c = before[key]["seconds"], after[key]["seconds"]
        rows.append((f"{key[0]} w{key[1]}", c / b))
        print(f"{key[0]:<18} {str(key[1]):>7} {b:>10.4f} {c:>10.4f} {c / b:>13.2f}")
    if a.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(figsize=(8, 0.4 * len(rows) + 1))
        ax.barh([r[0] for r in rows], [r[1] for r in rows])
        ax.axvline(1.0, color="k", lw=0.8)
        ax.set_xlabel("after / before (seconds)")
        fig.tight_layout()
        fig.savefig(a.plot)


if __name__ == "__main__":
    main()
