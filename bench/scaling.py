#!/usr/bin/python3
"""Strong and weak scaling studies of tessera, with speed-up and efficiency plots.

  bench/scaling.py [--build build/release] [--max-workers N] [--launcher mpirun|srun] [--srun-mpi pmix]
                   [--rows 4000000] [--cols 64] [--logistic-rows 1000000] [--logistic-cols 32]
                   [--rows-per-worker 1000000] [--models gram,ols,logistic] [--studies strong,weak]
                   [--repeat 3] [--out scaling] [--data-dir build/bench-data] [--no-warm]
  bench/scaling.py --plot scaling/scaling.jsonl [--out DIR]     (redraw the plots only)

Strong scaling: the same file on 1, 2, 4, 8, ... workers and N (--max-workers: inside a Slurm
allocation SLURM_NTASKS - 1, else the core count). Weak scaling: --rows-per-worker × W rows on W
workers. Models: gram (XᵀX, Xᵀy), ols (least squares, the default solver, TSQR) on --rows × --cols
regression data, and a logistic search (5 folds × 10 C, as in run_benchmarks.py) on
--logistic-rows × --logistic-cols classification data (weak: --rows-per-worker × --logistic-cols).
Ranks = workers + 1 (rank 0 schedules). The data are generated once into --data-dir (the same
files run_benchmarks.py makes, where the sizes agree), chunked so that the largest run has at
least 4 chunks per worker (65,536 rows where that is enough).

Each measurement is the best of --repeat runs, the repetitions interleaved over the worker counts
(the machine is noisy; the best run is the one least disturbed); before each run its data file
is read once, untimed, so that every run reads from the page cache (--no-warm: not). `seconds` is
the wall clock of the whole launcher process (start-up, the job, shutdown), `job_seconds`
tessera's own (--json: reading the job file to the renamed output). One JSON line per measurement, on stdout and in
OUT/scaling.jsonl; the outputs of every run in OUT/outputs/ (their sha256 in the line: tessera
writes the same bytes on any rank count); the plots OUT/scaling-strong.png, OUT/scaling-weak.png.

Strong: speed-up S(W) = T(1)/T(W), efficiency S(W)/W. Weak: efficiency T(1)/T(W) (ideal 1) and
the scaled speed-up W·T(1)/T(W), the ratio of rows per second (ideal W).
"""
import argparse
import hashlib
import importlib.util
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_benchmarks  # noqa: E402  (ENV, run, job_file)

DEFAULT_CHUNK_ROWS = 65_536  # tessera generate's default
# The seeds run_benchmarks.py generates with, so that a file cached by one serves the other.
SEEDS = {"regression": 1, "classification": 3}
LOGISTIC_SEARCH = ('[cv]\nfolds = 5\n[search]\ngrid = { C = { logspace = [-4, 4, 10] } }\n'
                   'scoring = "accuracy"\n')
MODELS = {  # name: (kind of data, [model] and what follows it in the job file)
    "gram": ("regression", '[model]\ntype = "gram"\n'),
    "ols": ("regression", '[model]\ntype = "ols"\n'),
    "logistic": ("classification", '[model]\ntype = "logistic"\n' + LOGISTIC_SEARCH),
}
LABELS = {"gram": "gram (XᵀX, Xᵀy)", "ols": "OLS (TSQR)", "logistic": "logistic 5 folds × 10 C"}
SHORT = {"gram": "gram", "ols": "OLS", "logistic": "logistic"}


def worker_counts(n):
    """1, 2, 4, 8, ... below n, then n."""
    counts, w = [], 1
    while w < n:
        counts.append(w)
        w *= 2
    return counts + [n]


def launcher(a, ranks):
    if a.launcher == "srun":
        return ["srun", f"--mpi={a.srun_mpi}", "-n", ranks]
    return ["mpiexec", "-q", "-n", ranks]


def chunk_rows_for(rows, workers):
    """Rows per chunk: at least 4 chunks per worker, at most the generator's default."""
    return max(1, min(DEFAULT_CHUNK_ROWS, rows // (4 * workers)))


def data_file(a, kind, rows, cols, chunk_rows):
    """A generated file in --data-dir, made once (named as run_benchmarks.py names its own)."""
    suffix = "" if chunk_rows == DEFAULT_CHUNK_ROWS else f"_chunk{chunk_rows}"
    path = os.path.join(a.data_dir, f"{kind}_{rows}x{cols}{suffix}.h5")
    if not os.path.exists(path):
        os.makedirs(a.data_dir, exist_ok=True)
        run_benchmarks.run([*launcher(a, min(a.max_workers + 1, 16)), f"{a.build}/tessera", "generate", kind,
                            "--rows", rows, "--cols", cols, "--seed", SEEDS[kind], "--chunk-rows", chunk_rows, path])
    return path


def machine():
    """The host, its cores (times the nodes of a Slurm allocation) and the Slurm job, if any."""
    nodes = int(os.environ.get("SLURM_JOB_NUM_NODES", "1"))
    return {"host": socket.gethostname(), "cores": os.cpu_count() * nodes, "nodes": nodes,
            "slurm_job": os.environ.get("SLURM_JOB_ID")}


def warm(path):
    """Reads the file once, untimed, so that the run after it finds all of it in the page cache (a
    kernel may page out what was not touched for a while: this machine's does, DAMON)."""
    with open(path, "rb", buffering=0) as f:
        while f.read(64 << 20):
            pass


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def study(a, name, model, sizes, host, write):
    """One model's runs in one study: sizes maps workers to (rows, cols, chunk_rows)."""
    kind, body = MODELS[model]
    jobs_dir, outputs = os.path.join(a.out, "jobs"), os.path.join(a.out, "outputs")
    os.makedirs(jobs_dir, exist_ok=True)
    os.makedirs(outputs, exist_ok=True)
    data = {w: data_file(a, kind, rows, cols, chunk) for w, (rows, cols, chunk) in sizes.items()}
    jobs = {w: run_benchmarks.job_file(jobs_dir, f"{name}_{model}_{rows}x{cols}", data[w], body)
            for w, (rows, cols, chunk) in sizes.items()}
    output = {w: os.path.join(outputs, f"{name}_{model}_{w}.h5") for w in sizes}
    walls, lines = {w: [] for w in sizes}, {w: [] for w in sizes}
    for _ in range(a.repeat):  # interleaved: each worker count sees the machine at several moments
        for w in sizes:
            cmd = [*launcher(a, w + 1), f"{a.build}/tessera", "run", jobs[w], "--json", "--progress", 0,
                   "--set", f"output.path={output[w]}"]
            if a.warm:
                warm(data[w])
            start = time.monotonic()
            lines[w].append(run_benchmarks.run(cmd)[-1])
            walls[w].append(time.monotonic() - start)
    t1, job_t1 = min(walls[1]), min(l["seconds"] for l in lines[1])
    first = sha256(output[1])
    for w, (rows, cols, chunk) in sizes.items():
        seconds, job_seconds = min(walls[w]), min(l["seconds"] for l in lines[w])
        # Strong: T(1)/T(W), efficiency that over W. Weak: W·T(1)/T(W) (rows per second), efficiency T(1)/T(W).
        speedup, job_speedup = t1 / seconds, job_t1 / job_seconds
        if name == "weak":
            speedup, job_speedup = w * speedup, w * job_speedup
        digest = sha256(output[w])
        write({"bench": "scaling", "study": name, "model": model, "workers": w, "ranks": w + 1, "rows": rows,
               "cols": cols, "chunk_rows": chunk, "chunks": -(-rows // chunk), "seconds": seconds,
               "job_seconds": job_seconds, "speedup": speedup, "efficiency": speedup / w,
               "job_speedup": job_speedup, "job_efficiency": job_speedup / w, "repeat": a.repeat,
               "runs_seconds": walls[w], "runs_job_seconds": [l["seconds"] for l in lines[w]],
               "tasks": lines[w][-1]["tasks"], "passes": lines[w][-1].get("passes", lines[w][-1].get("profile", {}).get("passes")),
               "launcher": a.launcher, "warm": a.warm, **host,
               "oversubscribed": w > host["cores"], "output": output[w], "output_sha256": digest,
               # Strong scaling: the same data, so the same bytes as on 1 worker (reductions are trees
               # shaped by chunk indices only). Weak scaling: other data at each W.
               **({"same_bytes_as_1_worker": digest == first} if name == "strong" else {})})


def plot(lines, out):
    """One PNG per study: speed-up against workers per model with the ideal line, and efficiency."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    paths = []
    for name in ("strong", "weak"):
        rows = [l for l in lines if l["study"] == name]
        if not rows:
            continue
        fig, (ax_s, ax_e) = plt.subplots(1, 2, figsize=(12, 5))
        workers = sorted({l["workers"] for l in rows})
        cores = rows[0]["cores"]
        models = [m for m in MODELS if any(l["model"] == m for l in rows)]
        sizes = {}  # rows (per worker, weak) × cols: the models run on it
        for i, model in enumerate(models):
            ms = sorted((l for l in rows if l["model"] == model), key=lambda l: l["workers"])
            color = f"C{i}"
            w = [l["workers"] for l in ms]
            for ax, key in ((ax_s, "speedup"), (ax_e, "efficiency")):
                ax.plot(w, [l[key] for l in ms], "o-", color=color, label=f"{LABELS[model]}, wall clock")
                ax.plot(w, [l[f"job_{key}"] for l in ms], "s:", color=color, alpha=0.6, markersize=4,
                        label=f"{LABELS[model]}, tessera's own seconds")
            over = [l for l in ms if l["oversubscribed"]]
            if over:
                for ax, key in ((ax_s, "speedup"), (ax_e, "efficiency")):
                    ax.plot([l["workers"] for l in over], [l[key] for l in over], "o", color="white",
                            markeredgecolor=color, zorder=3)
            size = f"{ms[0]['rows'] // (1 if name == 'strong' else ms[0]['workers']):,} × {ms[0]['cols']}"
            sizes.setdefault(size, []).append(SHORT[model])
        ax_s.plot(workers, workers, "k--", label="ideal: W")
        ax_e.axhline(1, color="k", linestyle="--", label="ideal: 1")
        for ax in (ax_s, ax_e):
            if workers[-1] > cores:
                ax.axvspan(cores + 0.5, workers[-1] + 0.5, color="0.9", zorder=0,
                           label=f"workers > {cores} cores (oversubscribed)")
            ax.set_xticks(workers)
            ax.set_xlim(0.5, workers[-1] + 0.5)
            ax.set_xlabel("workers W (ranks = W + 1; rank 0 schedules)")
            ax.grid(True, alpha=0.3)
        ax_e.set_ylim(0, max(1.15, max(l["efficiency"] for l in rows) * 1.1))
        if name == "strong":
            ax_s.set_ylabel("speed-up T(1) / T(W)")
            ax_e.set_ylabel("efficiency T(1) / (W · T(W))")
            ax_s.set_title("speed-up, the same data on W workers")
            size = "; ".join(f"{', '.join(m)} {s}" for s, m in sizes.items()) + " (rows × columns)"
        else:
            ax_s.set_ylabel("scaled speed-up W · T(1) / T(W)  (rows per second)")
            ax_e.set_ylabel("efficiency T(1) / T(W)")
            ax_s.set_title("scaled speed-up, W times the rows on W workers")
            size = "per worker: " + "; ".join(f"{', '.join(m)} {s}" for s, m in sizes.items())
        ax_e.set_title("efficiency")
        ax_s.legend(fontsize=7, loc="upper left")
        first = rows[0]
        where = f"{first['host']} ({cores} cores" + (f", Slurm job {first['slurm_job']}" if first.get("slurm_job") else "") + ")"
        fig.suptitle(f"{name.capitalize()} scaling on {where}, {first['launcher']}, best of {first['repeat']}\n{size}",
                     fontsize=10)
        fig.tight_layout()
        path = os.path.join(out, f"scaling-{name}.png")
        fig.savefig(path, dpi=100)
        plt.close(fig)
        paths.append(path)
    return paths


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build/release", help="the build directory holding tessera")
    in_slurm = "SLURM_NTASKS" in os.environ
    p.add_argument("--max-workers", type=int,
                   default=int(os.environ["SLURM_NTASKS"]) - 1 if in_slurm else os.cpu_count())
    p.add_argument("--launcher", choices=["mpirun", "srun"], default="mpirun",
                   help="mpirun (mpiexec -q -n) or, inside an allocation, srun --mpi=SRUN_MPI -n")
    p.add_argument("--srun-mpi", default="pmix", help="srun's PMI plugin (srun --mpi=list; Open MPI 4: pmix)")
    p.add_argument("--rows", type=int, default=4_000_000, help="strong scaling: rows of the gram and OLS data")
    p.add_argument("--cols", type=int, default=64, help="columns of the gram and OLS data")
    p.add_argument("--logistic-rows", type=int, default=1_000_000, help="strong scaling: rows of the logistic data")
    p.add_argument("--logistic-cols", type=int, default=32)
    p.add_argument("--rows-per-worker", type=int, default=1_000_000, help="weak scaling: rows per worker")
    p.add_argument("--models", default="gram,ols,logistic")
    p.add_argument("--studies", default="strong,weak")
    p.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    p.add_argument("--out", default="scaling", help="directory for scaling.jsonl, the PNGs and the outputs")
    p.add_argument("--data-dir", default="build/bench-data")
    p.add_argument("--no-warm", dest="warm", action="store_false",
                   help="do not read each run's data file (untimed) just before the run, e.g. when it is "
                        "larger than the memory or on a parallel file system whose cache should stay cold")
    p.add_argument("--plot", metavar="JSONL", help="only draw the plots from an earlier run's JSON lines")
    a = p.parse_args()
    os.makedirs(a.out, exist_ok=True)
    if a.plot:
        with open(a.plot) as f:
            lines = [json.loads(l) for l in f if l.startswith("{")]
        print("\n".join(plot(lines, a.out)))
        return
    if importlib.util.find_spec("matplotlib") is None:  # before any measurement rather than after all of them
        p.error("the plots need matplotlib (Debian: apt-get install python3-matplotlib; run with /usr/bin/python3)")
    models, studies = a.models.split(","), a.studies.split(",")
    if unknown := [m for m in models if m not in MODELS] + [s for s in studies if s not in ("strong", "weak")]:
        p.error(f"unknown model or study: {', '.join(unknown)}")
    if a.max_workers < 1:
        p.error("--max-workers must be at least 1 (inside Slurm: --ntasks at least 2)")
    host, counts = machine(), worker_counts(a.max_workers)
    lines = []
    with open(os.path.join(a.out, "scaling.jsonl"), "w") as f:
        def write(line):
            run_benchmarks.emit(line)
            f.write(json.dumps(line) + "\n")
            f.flush()
            lines.append(line)
        for name in studies:
            for model in models:
                rows, cols = (a.logistic_rows, a.logistic_cols) if model == "logistic" else (a.rows, a.cols)
                if name == "strong":
                    chunk = chunk_rows_for(rows, a.max_workers)
                    sizes = {w: (rows, cols, chunk) for w in counts}
                else:
                    chunk = chunk_rows_for(a.rows_per_worker, 1)
                    sizes = {w: (a.rows_per_worker * w, cols, chunk) for w in counts}
                study(a, name, model, sizes, host, write)
    for path in plot(lines, a.out):
        print(f"scaling: wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
