"""Every jobs/*.slurm script, submitted with `sbatch` to a real single-node Slurm (scripts/slurm-up)
as a user submits it, its results checked against a computation of their own, and the exit code
Slurm records checked: 0 for success, 2 for bad input, 75 for a run stopped in order and
resumable. Ranks are started both ways a site does it: srun (PMIx) and mpirun inside the
allocation."""
import glob
import itertools
import json
import os
import shutil
import sys

import h5py
import numpy as np

from slurm_harness import JOBS, SlurmTest, exit_code, job_env, job_state, run  # noqa: E402  (puts tests/e2e on the path)
from tessera_e2e import BIN, SOURCE_DIR, stored_records, tessera, wait_for  # noqa: E402

QUICKSTART = os.path.join(JOBS, "quickstart.toml")


class BatchScripts(SlurmTest):
    def setUp(self):
        super().setUp()
        # The quickstart's own data, where its job file looks for it (relative to the submit dir).
        os.makedirs(self.path("data"))
        self.generate("data/quickstart.h5", 200_000, 16, extra=("--chunk-rows", 16_384))

    def quickstart_reference(self):
        with h5py.File(self.path("data/quickstart.h5")) as f:
            X, y = f["X"][:], f["y"][:]
        return X.T @ X, X.T @ y

    def assert_quickstart_results(self, job_id, summary_name, ranks):
        self.assertEqual(exit_code(job_id), (0, 0), self.log(job_id))
        self.assertEqual(job_state(job_id)[0], "COMPLETED")
        with open(self.path(f"results/{summary_name}-{job_id}.json")) as f:
            summary = json.loads(f.read().strip().splitlines()[-1])
        self.assertEqual(summary["ranks"], ranks)
        xtx, xty = self.quickstart_reference()
        with h5py.File(self.path("results/quickstart.h5")) as f:
            np.testing.assert_allclose(f["XtX"][:], xtx, rtol=1e-12)
            np.testing.assert_allclose(f["Xty"][:].ravel(), xty, rtol=1e-12)
            return f["XtX"][:].tobytes() + f["Xty"][:].tobytes()

    def test_every_batch_script_is_tested_here(self):
        scripts = sorted(os.path.basename(p) for p in glob.glob(os.path.join(JOBS, "*.slurm")))
        tested = sorted(["quickstart.slurm", "mpirun.slurm", "requeue.slurm", "scaling.slurm"])  # requeue: test_requeue.py
        self.assertEqual(scripts, tested, "a batch script in jobs/ needs a test under a real Slurm")

    def test_quickstart_under_srun_and_under_mpirun_give_the_same_bits(self):
        job_id, r = self.sbatch("quickstart.slurm", QUICKSTART)
        self.assertEqual(r.returncode, 0, r.stderr + self.log(job_id))
        by_srun = self.assert_quickstart_results(job_id, "quickstart", 16)
        os.remove(self.path("results/quickstart.h5"))

        job_id, r = self.sbatch("mpirun.slurm", QUICKSTART)
        self.assertEqual(r.returncode, 0, r.stderr + self.log(job_id))
        by_mpirun = self.assert_quickstart_results(job_id, "mpirun", 8)
        self.assertEqual(by_srun, by_mpirun, "16 ranks by srun and 8 by mpirun give the same bits")

    def test_bad_input_is_exit_code_2_with_one_line_naming_it(self):
        bad = self.write_job("bad.toml", {"path": "data/quickstart.h5", "features": "Z"}, {"type": "gram"},
                             {"path": "results/bad.h5"})
        for script in ("quickstart.slurm", "mpirun.slurm"):
            with self.subTest(script=script):
                job_id, r = self.sbatch(script, bad)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertEqual(exit_code(job_id), (2, 0))
                self.assertEqual(job_state(job_id)[0], "FAILED")
                lines = [l for l in self.log(job_id).splitlines() if l.startswith("tessera:")]
                self.assertEqual(len(lines), 1, self.log(job_id))
                self.assertIn("'Z'", lines[0])
                self.assertIn("quickstart.h5", lines[0])
                self.assertFalse(os.path.exists(self.path("results/bad.h5")), "nothing is written")

    def test_a_signalled_run_is_exit_code_75_and_resumes_to_the_same_bits(self):
        data = self.generate("cls.h5", 400_000, 8, kind="classification", extra=("--chunk-rows", 4_000))
        search = '[cv]\nfolds = 5\n[search]\ngrid = { C = { logspace = [-3, 3, 20] } }\nscoring = "accuracy"\n'
        reference = self.write_job("reference.toml", {"path": data}, {"type": "logistic"}, {"path": self.path("reference.h5")}, search)
        r = tessera(["run", reference], ranks=3, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(self.path("reference.h5"), "rb") as f:
            expected = f.read()
        # srun signals every rank itself; mpirun runs in the batch step, whose shell passes it on.
        for script, signal_options in (("quickstart.slurm", ()), ("mpirun.slurm", ("--batch",))):
            with self.subTest(script=script):
                store, out = self.path(f"{script}.store"), self.path(f"{script}.h5")
                job = self.write_job(f"{script}.toml", {"path": data}, {"type": "logistic"}, {"path": out},
                                     search + f'[checkpoint]\ndir = "{store}"\n')
                job_id, _ = self.sbatch(script, job, "--grace", "30", wait=False, options=("--ntasks=4",))
                wait_for(lambda: stored_records(store) >= 20 or job_state(job_id)[0] not in ("PENDING", "RUNNING"),
                         timeout=180, what="the run to store results")
                self.assertEqual(job_state(job_id)[0], "RUNNING", f"the job ended before it was signalled: {self.log(job_id)}")
                # What --signal=[B:]USR1@N does at the warning time.
                run("scancel", "--signal=USR1", *signal_options, job_id, timeout=30)
                wait_for(lambda: job_state(job_id)[0] not in ("PENDING", "RUNNING", "COMPLETING"), timeout=180,
                         what="the signalled job to end")
                self.assertEqual(exit_code(job_id), (75, 0), self.log(job_id))
                self.assertIn("interrupted by SIGUSR1", self.log(job_id))
                self.assertFalse(os.path.exists(out), "a stopped run leaves no output")

                job_id, r = self.sbatch(script, job, "--resume", options=("--ntasks=3",))
                self.assertEqual(r.returncode, 0, self.log(job_id))
                self.assertEqual(exit_code(job_id), (0, 0))
                self.assertRegex(self.log(job_id), r"resuming with [\d,]+ stored results")
                with open(out, "rb") as f:
                    self.assertEqual(f.read(), expected, "the resumed run's output differs from an uninterrupted run's")

    def test_scaling_studies_measure_every_model_on_every_worker_count_and_draw_the_plots(self):
        # 4 tasks: 1, 2 and 3 workers, at a size where a run is mostly start-up (the test is
        # about the script and its results, not the timings).
        build = os.path.dirname(os.path.abspath(shutil.which(BIN) or BIN))
        env = job_env(TESSERA_BUILD=build, TESSERA_SCALING=os.path.join(SOURCE_DIR, "bench", "scaling.py"),
                      PYTHON=sys.executable)
        job_id, r = self.sbatch("scaling.slurm", "--rows", 6_000, "--cols", 8, "--logistic-rows", 6_000,
                                "--logistic-cols", 8, "--rows-per-worker", 2_000, "--repeat", 1,
                                options=("--ntasks=4",), env=env)
        self.assertEqual(r.returncode, 0, r.stderr + self.log(job_id))
        self.assertEqual(exit_code(job_id), (0, 0), self.log(job_id))
        out = self.path(f"results/scaling-{job_id}")
        with open(os.path.join(out, "scaling.jsonl")) as f:
            lines = [json.loads(l) for l in f]
        by_key = {(l["study"], l["model"], l["workers"]): l for l in lines}
        expected = set(itertools.product(("strong", "weak"), ("gram", "ols", "logistic"), (1, 2, 3)))
        self.assertEqual(set(by_key), expected)
        self.assertEqual(len(lines), len(expected))
        for (study, model, workers), l in by_key.items():
            self.assertEqual((l["ranks"], l["launcher"], l["slurm_job"]), (workers + 1, "srun", job_id))
            self.assertGreater(l["seconds"], l["job_seconds"])
            self.assertGreaterEqual(l["chunks"], 4 * workers, "enough chunks for every worker")
            self.assertEqual(l["rows"], 6_000 if study == "strong" else 2_000 * workers)
            if workers == 1:
                self.assertEqual((l["speedup"], l["efficiency"], l["job_speedup"]), (1.0, 1.0, 1.0))
        # The same bits on any rank count: every strong-scaling output is the same file whatever
        # the workers; gram's, read back, is numpy's XᵀX of the data.
        for model in ("gram", "ols", "logistic"):
            hashes = {by_key["strong", model, w]["output_sha256"] for w in (1, 2, 3)}
            self.assertEqual(len(hashes), 1, f"{model}: the outputs on 1, 2 and 3 workers differ")
            self.assertTrue(all(by_key["strong", model, w]["same_bytes_as_1_worker"] for w in (1, 2, 3)))
        grams = []
        for w in (1, 2, 3):
            with h5py.File(self.path(by_key["strong", "gram", w]["output"])) as f:
                grams.append(f["XtX"][:].tobytes() + f["Xty"][:].tobytes())
        self.assertEqual(grams[0], grams[1])
        self.assertEqual(grams[0], grams[2])
        data = glob.glob(self.path("build/bench-data/regression_6000x8_*.h5"))
        self.assertEqual(len(data), 1, data)
        with h5py.File(data[0]) as f, h5py.File(self.path(by_key["strong", "gram", 3]["output"])) as g:
            X = f["X"][:]
            np.testing.assert_allclose(g["XtX"][:], X.T @ X, rtol=1e-12)
        import matplotlib.image
        for study in ("strong", "weak"):
            png = os.path.join(out, f"scaling-{study}.png")
            with open(png, "rb") as f:
                self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n", png)
            self.assertGreater(os.path.getsize(png), 10_000)
            self.assertEqual(matplotlib.image.imread(png).shape[:2], (500, 1200), png)
