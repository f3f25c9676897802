#!/usr/bin/python3
"""Runs tessera's benchmarks and prints one JSON line per measurement.

  bench/run_benchmarks.py [--build build/release] [--rows 4000000] [--cols 64]
                          [--only runtime|gram|selection|logistic|checkpoint|trace] [--sklearn]

Runtime: no-op throughput, a 16,384-leaf tree sum and a 2,000-task chain, on 1, 2 and 4 workers.
Gram: the IO floor (one process reading X and y), the serial job (the same process also doing the
gram arithmetic, no runtime), and `tessera run` of a gram job on 1, 2 and 4 workers, in the same
run, each reported with its ratio to the floor, its speed-up over the serial job and its ratio to
the roofline (the serial job's work spread over min(workers, cores)), and once more with huge
pages off (TESSERA_HUGE_PAGES=0) for the difference they make; then OLS on the same file with both
solvers. Selection: a ridge search (5 folds x 20 alphas) and a logistic search
(5 folds x 10 C) on 1,000,000 x 32 files, next to one plain pass; --sklearn also times
scikit-learn's GridSearchCV(n_jobs=2) on both. Elastic net (--only elastic_net): ElasticNetCV's
search, 5 folds x 100 alphas x 3 l1_ratios, on the same regression file; --sklearn times
ElasticNetCV(n_jobs=2). KMeans (--only kmeans): k in {2, 4, 8, 16} x 3 starts on a 1,000,000 x 32
file of 16 Gaussian blobs, one job; --sklearn fits scikit-learn's KMeans(algorithm="lloyd",
n_init=3) for each k (its threads on both cores). Times are the best of
--repeat runs (the machine is noisy; the best run is the one least disturbed).
"""
import argparse
import time
import json
import os
import statistics
import subprocess
import sys

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
           OMPI_MCA_rmaps_base_oversubscribe="1", OMPI_MCA_mpi_yield_when_idle="1")


def run(cmd):
    r = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=ENV, timeout=3600)
    if r.returncode != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{r.stderr}")
    return [json.loads(l) for l in r.stdout.splitlines() if l.startswith("{")]


def emit(line):
    print(json.dumps(line), flush=True)


def runtime(build, repeat):
    for workers in (1, 2, 4):
        best = {}
        for _ in range(repeat):
            for line in run(["mpiexec", "-q", "-n", workers + 1, f"{build}/bench/bench_runtime"]):
                if line["bench"] not in best or line["seconds"] < best[line["bench"]]["seconds"]:
                    best[line["bench"]] = line
        for line in best.values():
            emit(line)


def regression_file(build, data_dir, rows, cols, seed, kind="regression"):
    """A generated regression (or classification) file, made once and kept in data_dir."""
    os.makedirs(data_dir, exist_ok=True)
    data = os.path.join(data_dir, f"{kind}_{rows}x{cols}.h5")
    if not os.path.exists(data):
        run(["mpiexec", "-q", "-n", 2, f"{build}/tessera", "generate", kind, "--rows", rows, "--cols", cols,
             "--seed", seed, data])
    return data


def job_file(data_dir, name, data, body):
    """Writes data_dir/NAME.toml: [data] path = DATA, then BODY (TOML), output data_dir/NAME_out.h5."""
    job = os.path.join(data_dir, f"{name}.toml")
    with open(job, "w") as f:
        f.write(f'[data]\npath = "{data}"\n{body}[output]\npath = "{data_dir}/{name}_out.h5"\noverwrite = true\n')
    return job


def gram(build, rows, cols, repeat, data_dir):
    data = regression_file(build, data_dir, rows, cols, 1)
    job = job_file(data_dir, "gram", data, '[model]\ntype = "gram"\n')
    floor = min((run([f"{build}/bench/bench_io_floor", data])[0] for _ in range(repeat + 1)), key=lambda l: l["seconds"])
    emit(floor)
    serial = min((run([f"{build}/bench/bench_io_floor", data, "--gram"])[0] for _ in range(repeat)), key=lambda l: l["seconds"])
    serial["ratio_to_io_floor"] = serial["seconds"] / floor["seconds"]
    emit(serial)
    cores = os.cpu_count()

    def roofline(workers):
        """The serial job's reads and arithmetic spread perfectly over the cores the workers can use."""
        return serial["seconds"] / min(workers, cores)

    for workers in (1, 2, 4):
        for huge_pages in ("1", "0"):
            best = best_run(build, job, workers, repeat, env={"TESSERA_HUGE_PAGES": huge_pages})
            emit({"bench": "gram" if huge_pages == "1" else "gram_no_huge_pages", "rows": rows, "cols": cols,
                  "workers": workers, "ranks": workers + 1, "seconds": best["seconds"], "tasks": best["tasks"],
                  "io_floor_seconds": floor["seconds"], "ratio_to_io_floor": best["seconds"] / floor["seconds"],
                  "speedup_over_serial": serial["seconds"] / best["seconds"],
                  "roofline_seconds": roofline(workers), "ratio_to_roofline": best["seconds"] / roofline(workers)})
    for solver in ("cholesky", "tsqr"):
        for workers in (1, 2, 4):
            best = best_run(build, job, workers, repeat, ["--set", "model.type=ols", "--set", f"model.solver={solver}"])
            emit({"bench": f"ols_{solver}", "rows": rows, "cols": cols, "workers": workers, "ranks": workers + 1,
                  "seconds": best["seconds"], "tasks": best["tasks"], "refined": best["refined"],
                  "io_floor_seconds": floor["seconds"], "ratio_to_io_floor": best["seconds"] / floor["seconds"],
                  "roofline_seconds": roofline(workers), "ratio_to_roofline": best["seconds"] / roofline(workers)})


def selection(build, repeat, data_dir, with_sklearn):
    """Ridge, 5 folds x 20 alphas on 1,000,000 x 32, next to one plain pass (gram) and the IO floor."""
    rows, cols = 1_000_000, 32
    data = regression_file(build, data_dir, rows, cols, 2)
    job = job_file(data_dir, "ridge", data, '[model]\ntype = "ridge"\n[cv]\nfolds = 5\n[search]\n'
                   'grid = { alpha = { logspace = [-3, 3, 20] } }\nscoring = "neg_mean_squared_error"\n')
    gram_job = job_file(data_dir, "gram_1m", data, '[model]\ntype = "gram"\n')
    floor = min((run([f"{build}/bench/bench_io_floor", data])[0] for _ in range(repeat + 1)), key=lambda l: l["seconds"])
    emit(floor)
    one_pass = {workers: best_run(build, gram_job, workers, repeat) for workers in (1, 2, 4)}
    for workers in (1, 2, 4):
        best = best_run(build, job, workers, repeat)
        emit({"bench": "ridge_cv_5x20", "rows": rows, "cols": cols, "workers": workers, "ranks": workers + 1,
              "seconds": best["seconds"], "passes": best["passes"], "tasks": best["tasks"],
              "one_pass_seconds": one_pass[workers]["seconds"], "ratio_to_one_pass": best["seconds"] / one_pass[workers]["seconds"],
              "io_floor_seconds": floor["seconds"]})
    if with_sklearn:
        import time
        import h5py
        from sklearn.linear_model import Ridge
        from sklearn.model_selection import GridSearchCV, KFold
        import numpy as np
        with h5py.File(data) as f:
            X, y = f["X"][:], f["y"][:]
        start = time.perf_counter()
        GridSearchCV(Ridge(), {"alpha": np.logspace(-3, 3, 20)}, cv=KFold(5), scoring="neg_mean_squared_error", n_jobs=2).fit(X, y)
        emit({"bench": "sklearn_gridsearchcv_ridge_5x20", "rows": rows, "cols": cols, "n_jobs": 2,
              "seconds": time.perf_counter() - start})
    logistic(build, repeat, data_dir, with_sklearn, rows, cols)


def logistic(build, repeat, data_dir, with_sklearn, rows, cols):
    """Logistic regression, 5 folds x 10 C on a 1,000,000 x 32 classification file."""
    data = regression_file(build, data_dir, rows, cols, 3, kind="classification")
    job = job_file(data_dir, "logistic", data, '[model]\ntype = "logistic"\n[cv]\nfolds = 5\n[search]\n'
                   'grid = { C = { logspace = [-4, 4, 10] } }\nscoring = "accuracy"\n')
    gram_job = job_file(data_dir, "gram_classification", data, '[model]\ntype = "gram"\n')
    one_pass = {workers: best_run(build, gram_job, workers, repeat) for workers in (1, 2, 4)}
    results = {}
    for workers in (1, 2, 4):
        best = results[workers] = best_run(build, job, workers, repeat)
        emit({"bench": "logistic_cv_5x10", "rows": rows, "cols": cols, "workers": workers, "ranks": workers + 1,
              "seconds": best["seconds"], "passes": best["passes"], "newton_steps_max": best["newton_steps_max"],
              "tasks": best["tasks"], "tasks_deduplicated": best["tasks_deduplicated"],
              "one_pass_seconds": one_pass[workers]["seconds"], "ratio_to_one_pass": best["seconds"] / one_pass[workers]["seconds"]})
    if with_sklearn:
        import time
        import h5py
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import GridSearchCV, KFold
        import numpy as np
        with h5py.File(data) as f:
            X, y = f["X"][:], f["y"][:]
        start = time.perf_counter()
        gs = GridSearchCV(LogisticRegression(), {"C": np.logspace(-4, 4, 10)}, cv=KFold(5), scoring="accuracy",
                          n_jobs=2).fit(X, y)
        seconds = time.perf_counter() - start
        ours = results[2]
        emit({"bench": "sklearn_gridsearchcv_logistic_5x10", "rows": rows, "cols": cols, "n_jobs": 2, "seconds": seconds,
              "tessera_2_workers_seconds": ours["seconds"], "speedup": seconds / ours["seconds"],
              "same_best_params": bool(gs.best_params_["C"] == ours["best_params"]["C"]),
              "max_mean_score_difference": float(np.max(np.abs(gs.cv_results_["mean_test_score"] -
                                                                 [c["mean_test_score"] for c in ours["cv_results"]])))})


def elastic_net(build, repeat, data_dir, with_sklearn):
    """ElasticNetCV's search, 5 folds x 100 alphas x 3 l1_ratios on 1,000,000 x 32: one pass, then
    coordinate descent on the fold Gram matrices; --sklearn: ElasticNetCV(n_jobs=2) on the same folds."""
    rows, cols = 1_000_000, 32
    data = regression_file(build, data_dir, rows, cols, 2)
    l1_ratios = [0.1, 0.5, 1.0]
    job = job_file(data_dir, "elastic_net", data, '[model]\ntype = "elastic_net"\nn_alphas = 100\n[cv]\nfolds = 5\n'
                   f'[search]\ngrid = {{ l1_ratio = {l1_ratios} }}\nscoring = "neg_mean_squared_error"\n')
    gram_job = job_file(data_dir, "gram_1m", data, '[model]\ntype = "gram"\n')
    results = {}
    for workers in (1, 2, 4):
        best = results[workers] = best_run(build, job, workers, repeat)
        one_pass = best_run(build, gram_job, workers, repeat)
        emit({"bench": "elastic_net_cv_5x100x3", "rows": rows, "cols": cols, "workers": workers, "ranks": workers + 1,
              "seconds": best["seconds"], "passes": best["passes"], "tasks": best["tasks"],
              "one_pass_seconds": one_pass["seconds"], "ratio_to_one_pass": best["seconds"] / one_pass["seconds"]})
    if with_sklearn:
        import h5py
        import numpy as np
        from sklearn.linear_model import ElasticNetCV
        from sklearn.model_selection import KFold
        with h5py.File(data) as f:
            X, y = f["X"][:], f["y"][:]
        start = time.perf_counter()
        sk = ElasticNetCV(l1_ratio=l1_ratios, n_alphas=100, cv=KFold(5), n_jobs=2).fit(X, y)
        seconds = time.perf_counter() - start
        ours = results[2]
        mse = -np.array([c["mean_test_score"] for c in ours["cv_results"]]).reshape(len(l1_ratios), 100)
        emit({"bench": "sklearn_elasticnetcv_5x100x3", "rows": rows, "cols": cols, "n_jobs": 2, "seconds": seconds,
              "tessera_2_workers_seconds": ours["seconds"], "speedup": seconds / ours["seconds"],
              "same_best_params": bool(np.isclose(sk.alpha_, ours["best_params"]["alpha"], rtol=1e-9) and
                                       sk.l1_ratio_ == ours["best_params"]["l1_ratio"]),
              "max_mean_mse_relative_difference": float(np.max(np.abs(mse / sk.mse_path_.mean(axis=2) - 1)))})


def checkpoint(build, repeat, data_dir, rows, cols):
    """The checkpoint store's cost: each job without a store and with a fresh one, alternated in
    one run (best of `repeat`), and the resume of a run that finds everything stored."""
    import shutil
    regression = regression_file(build, data_dir, rows, cols, 1)
    classification = regression_file(build, data_dir, 1_000_000, 32, 3, kind="classification")
    jobs = {
        "gram": job_file(data_dir, "ck_gram", regression, '[model]\ntype = "gram"\n'),
        "ols_tsqr": job_file(data_dir, "ck_ols", regression, '[model]\ntype = "ols"\nsolver = "tsqr"\n'),
        "logistic_cv_5x10": job_file(data_dir, "ck_logistic", classification, '[model]\ntype = "logistic"\n[cv]\nfolds = 5\n'
                                     '[search]\ngrid = { C = { logspace = [-4, 4, 10] } }\nscoring = "accuracy"\n'),
    }
    workers = 2
    for name, job in jobs.items():
        store = os.path.join(data_dir, f"{name}.checkpoint")
        plain, stored, resumed = [], [], []
        for _ in range(repeat):
            plain.append(best_run(build, job, workers, 1))
            shutil.rmtree(store, ignore_errors=True)
            stored.append(best_run(build, job, workers, 1, ("--checkpoint", store)))
            resumed.append(best_run(build, job, workers, 1, ("--checkpoint", store, "--resume")))
        best = lambda runs: min(runs, key=lambda l: l["seconds"])
        p, w, r = best(plain), best(stored), best(resumed)
        size = sum(os.path.getsize(os.path.join(store, f)) for f in os.listdir(store))
        emit({"bench": f"checkpoint_{name}", "workers": workers, "ranks": workers + 1, "seconds_without_store": p["seconds"],
              "seconds_with_store": w["seconds"], "ratio_with_store": w["seconds"] / p["seconds"],
              "seconds_resume_all_stored": r["seconds"], "resume_tasks_run": r["tasks"],
              "resume_tasks_from_store": r["tasks_from_store"], "store_bytes": size})


def tracing(build, repeat, data_dir, rows, cols):
    """The trace's cost: the no-op benchmarks and the gram job, each without and with a trace,
    alternated in one run (best of `repeat`)."""
    workers = 2
    plain, traced = {}, {}  # bench name -> its lines, one per run, in the order they ran
    for _ in range(repeat):
        for target, extra in ((plain, []), (traced, ["--trace"])):
            for line in run(["mpiexec", "-q", "-n", workers + 1, f"{build}/bench/bench_runtime", *extra]):
                target.setdefault(line["bench"], []).append(line)
    seconds = lambda lines: [l["seconds"] for l in lines]
    cost = min(traced["trace_event_cost"], key=lambda l: l["ns_per_event"])
    # Events per task from the traced runs' own count: what the trace adds to a task is that many
    # events at (a kept event's cost - an untraced span's cost).
    events = traced["trace_write"][0]["events"]
    tasks = sum(traced[name][0]["tasks"] for name in ("noop_throughput", "tree_sum", "chain"))
    added_ns = events / tasks * (cost["ns_per_event"] - cost["ns_per_span_untraced"])
    for name in ("noop_throughput", "tree_sum", "chain"):
        without, with_trace = seconds(plain[name]), seconds(traced[name])
        # The machine's noise is larger than the effect: the pairs (one run without, the next with)
        # share the machine's state of the moment, so the median of their ratios is the figure
        # least moved by it; the best and the median of each side are given as well.
        emit({"bench": f"trace_{name}", "workers": workers, "ranks": workers + 1, "tasks": plain[name][0]["tasks"],
              "runs": len(without), "seconds_without_trace": min(without), "seconds_with_trace": min(with_trace),
              "ratio_with_trace": min(with_trace) / min(without),
              "median_ratio_with_trace": statistics.median(with_trace) / statistics.median(without),
              "median_paired_ratio_with_trace": statistics.median(t / p for p, t in zip(without, with_trace)),
              "events_per_task": events / tasks, "trace_ns_per_task": added_ns,
              "computed_ratio_with_trace": 1 + added_ns * 1e-9 / (min(without) / plain[name][0]["tasks"])})
    emit(traced["trace_write"][0])
    emit(cost)
    regression = regression_file(build, data_dir, rows, cols, 1)
    job = job_file(data_dir, "tr_gram", regression, '[model]\ntype = "gram"\n')
    trace_path = os.path.join(data_dir, "tr_gram.trace.json")
    def timed(extra):
        # The job's own seconds, and the whole process's (which includes gathering and writing the trace).
        start = time.monotonic()
        line = best_run(build, job, workers, 1, extra)
        return line["seconds"], time.monotonic() - start
    without, with_trace = [], []
    for _ in range(repeat):
        without.append(timed(()))
        with_trace.append(timed(("--trace", trace_path)))
    emit({"bench": "trace_gram", "workers": workers, "ranks": workers + 1, "rows": rows, "cols": cols,
          "seconds_without_trace": min(s for s, _ in without), "seconds_with_trace": min(s for s, _ in with_trace),
          "ratio_with_trace": min(s for s, _ in with_trace) / min(s for s, _ in without),
          "process_seconds_without_trace": min(w for _, w in without),
          "process_seconds_with_trace": min(w for _, w in with_trace),
          "process_ratio_with_trace": min(w for _, w in with_trace) / min(w for _, w in without),
          "trace_bytes": os.path.getsize(trace_path)})


def scheduler(build, repeat):
    """Rank 0's scheduler at 2 to 10,000 workers, by simulation (bench_scheduler), with rank 0's
    cost per task outside the Scheduler (the Client's message handling and MPI's) measured here on
    real ranks: the no-op benchmark's seconds per task on 2 workers less the Scheduler's share.
    Then the predictions for a 4 TB dataset on 1,000 nodes of 64 cores (docs/scaling.md states
    the assumptions)."""
    noop = min((l for _ in range(repeat)
                for l in run(["mpiexec", "-q", "-n", 3, f"{build}/bench/bench_runtime", "--only", "noop_throughput"])),
               key=lambda l: l["seconds"])
    rank0_seconds_per_task = noop["seconds"] / noop["tasks"]
    alone = run([f"{build}/bench/bench_scheduler", 2])[0]
    message_us = max(0.0, rank0_seconds_per_task * 1e6 - alone["rank0_us_per_task"])
    emit({"bench": "rank0_cost_per_task", "workers": 2, "noop_us_per_task": rank0_seconds_per_task * 1e6,
          "scheduler_us_per_task": alone["rank0_us_per_task"], "message_us_per_task": message_us})
    for line in run([f"{build}/bench/bench_scheduler", "--message-us", message_us, 2, 64, 1024, 10_000]):
        emit(line)
    # 4 TB of float64 in 64 columns = 7.8e9 rows; chunks of 65,536 rows (33.5 MB); 63,999 workers.
    # Per chunk: XᵀX 9.3 ms and a logistic pass of 50 models 92 ms (this machine's per-row costs,
    # 143 ns and 1.4 us for 64 columns); a read at 2 GB/s per node shared by 64 cores: 1,070 ms.
    chunks = 4e12 / (8 * 64) / 65_536
    for name, compute_ms in (("gram_4tb", 9.3), ("logistic_pass_4tb", 92)):
        for line in run([f"{build}/bench/bench_scheduler", "--chunks", int(chunks), "--read-ms", 1070,
                         "--compute-ms", compute_ms, "--message-us", message_us, 63_999]):
            emit(dict(line, bench=f"predicted_{name}"))


def startup(build, repeat, data_dir):
    """Start-up and shutdown at 2 to 64 ranks (oversubscribed here): a job with almost nothing to
    do, timed from mpiexec's start to its exit, less the job's own seconds; and mpiexec starting
    /bin/true on as many ranks (the launcher alone, no MPI_Init), best of `repeat`."""
    data = regression_file(build, data_dir, 6_400, 4, 1)
    job = job_file(data_dir, "startup_gram", data, '[model]\ntype = "gram"\n')
    for ranks in (2, 16, 32, 64):
        runs = []
        for _ in range(repeat):
            start = time.monotonic()
            line = run(["mpiexec", "-q", "-n", ranks, f"{build}/tessera", "run", job, "--json"])[-1]
            runs.append((time.monotonic() - start, line["seconds"]))
        launcher = []
        for _ in range(repeat):
            start = time.monotonic()
            subprocess.run(["mpiexec", "-q", "-n", str(ranks), "/bin/true"], check=True, env=ENV, timeout=600)
            launcher.append(time.monotonic() - start)
        wall, seconds = min(runs)
        emit({"bench": "startup_shutdown", "ranks": ranks, "process_seconds": wall, "job_seconds": seconds,
              "startup_and_shutdown_seconds": wall - seconds, "launcher_alone_seconds": min(launcher)})


def blobs_file(data_dir, rows, cols, centres, seed):
    """Gaussian blobs of unequal spread around `centres` random centres, made once and kept."""
    import h5py
    import numpy as np
    os.makedirs(data_dir, exist_ok=True)
    data = os.path.join(data_dir, f"blobs_{rows}x{cols}.h5")
    if not os.path.exists(data):
        rng = np.random.default_rng(seed)
        means = rng.uniform(-10, 10, size=(centres, cols))
        spread = rng.uniform(0.5, 3, size=centres)
        label = rng.integers(centres, size=rows)
        with h5py.File(data + ".tmp", "w") as f:
            f.create_dataset("X", data=means[label] + rng.normal(size=(rows, cols)) * spread[label][:, None],
                             chunks=(65536, cols))
        os.rename(data + ".tmp", data)
    return data


def kmeans(build, repeat, data_dir, with_sklearn):
    """k in {2, 4, 8, 16} x n_init 3 on 1,000,000 x 32: all twelve runs in the same passes, against
    scikit-learn fitting the same twelve models."""
    rows, cols, ks, starts = 1_000_000, 32, [2, 4, 8, 16], 3
    data = blobs_file(data_dir, rows, cols, 16, 3)
    job = job_file(data_dir, "kmeans", data, f'features = "X"\n[model]\ntype = "kmeans"\nn_init = {starts}\n'
                   f'[search]\ngrid = {{ k = {ks} }}\n')
    ours = best_run(build, job, 2, repeat)
    inertia = {r["params"]["k"]: r["inertia"] for r in ours["results"]}
    emit({"bench": "kmeans_4k_x3", "rows": rows, "cols": cols, "workers": 2, "ranks": 3, "seconds": ours["seconds"],
          "lloyd_passes": ours["lloyd_passes"], "hdf5_passes": ours["profile"]["passes"], "tasks": ours["tasks"],
          "inertia": inertia, "n_iter": {r["params"]["k"]: r["n_iter"] for r in ours["results"]}})
    if with_sklearn:
        import h5py
        from sklearn.cluster import KMeans
        with h5py.File(data) as f:
            X = f["X"][:]
        start = time.perf_counter()
        theirs = {k: KMeans(k, n_init=starts, algorithm="lloyd", random_state=0).fit(X).inertia_ for k in ks}
        seconds = time.perf_counter() - start
        emit({"bench": "sklearn_kmeans_4k_x3", "rows": rows, "cols": cols, "seconds": seconds,
              "tessera_2_workers_seconds": ours["seconds"], "speedup": seconds / ours["seconds"], "inertia": theirs,
              "inertia_ratio": {k: inertia[k] / theirs[k] for k in ks},
              "equal_or_lower_inertia": all(inertia[k] <= theirs[k] * (1 + 1e-9) for k in ks)})


def best_run(build, job, workers, repeat, extra=(), env=None):
    """The fastest of `repeat` runs of `tessera run JOB --json` on `workers` workers; `env`: more
    environment variables for the ranks."""
    exported = [a for name, value in (env or {}).items() for a in ("-x", f"{name}={value}")]
    return min((run(["mpiexec", "-q", "-n", workers + 1, *exported, f"{build}/tessera", "run", job, "--json", *extra])[-1]
                for _ in range(repeat)), key=lambda l: l["seconds"])


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--build", default="build/release")
    p.add_argument("--rows", type=int, default=4_000_000)
    p.add_argument("--cols", type=int, default=64)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--only", choices=["runtime", "gram", "selection", "logistic", "checkpoint", "trace", "startup",
                                       "scheduler", "elastic_net", "kmeans"])
    p.add_argument("--sklearn", action="store_true", help="also time scikit-learn's GridSearchCV on the selection data")
    p.add_argument("--data-dir", default="build/bench-data")
    a = p.parse_args()
    if a.only in (None, "runtime"):
        runtime(a.build, a.repeat)
    if a.only in (None, "gram"):
        gram(a.build, a.rows, a.cols, a.repeat, a.data_dir)
    if a.only in (None, "selection"):
        selection(a.build, a.repeat, a.data_dir, a.sklearn)
    if a.only == "logistic":
        logistic(a.build, a.repeat, a.data_dir, a.sklearn, 1_000_000, 32)
    if a.only == "elastic_net":
        elastic_net(a.build, a.repeat, a.data_dir, a.sklearn)
    if a.only == "kmeans":
        kmeans(a.build, a.repeat, a.data_dir, a.sklearn)
    if a.only == "checkpoint":
        checkpoint(a.build, a.repeat, a.data_dir, a.rows, a.cols)
    if a.only == "trace":
        tracing(a.build, a.repeat, a.data_dir, a.rows, a.cols)
    if a.only == "startup":
        startup(a.build, a.repeat, a.data_dir)
    if a.only == "scheduler":
        scheduler(a.build, a.repeat)


if __name__ == "__main__":
    main()
