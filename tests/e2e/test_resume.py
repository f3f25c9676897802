"""A checkpoint store with real kills: a gram job, an OLS TSQR job and a logistic grid search are
killed with SIGKILL (a worker, or rank 0) at several points on 2, 3 and 5 ranks, resumed with
--resume on another rank count, and their output files compared byte for byte with an
uninterrupted run's. Signals that let a run drain (SIGTERM, SIGUSR1) end it with exit code 75."""
import os
import shutil
import signal
import tempfile
import time

from tessera_e2e import (TempDirTest, error_lines, last_json, mpi_rank_of, start, stored_records, tessera,
                         tessera_processes, wait_for)

# Under AddressSanitizer every job is several times slower: a representative part of the matrix.
FULL = os.environ.get("TESSERA_RESUME_MATRIX", "full") == "full"
# The job the drain tests signal: one with seconds of work left after the signal. Under ASan the
# ordinary logistic search already is (and the 100-model one takes minutes).
DRAIN_JOB = "logistic_long" if FULL else "logistic"


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class Resume(TempDirTest):
    """Data and uninterrupted references are made once for the class and shared by its tests."""

    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="tessera-resume-")
        cls.references = {}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    JOBS = {
        # name: (data kind, rows, cols, chunk rows, [model] keys, extra sections)
        # Enough rows that a job runs for about a second: the kills land while it works.
        "gram": ("regression", 2_400_000, 16, 4_000, {"type": "gram"}, ""),
        "ols": ("regression", 2_400_000, 16, 4_000, {"type": "ols", "solver": "tsqr"}, ""),
        "logistic": ("classification", 1_000_000, 8, 8_000, {"type": "logistic"},
                     '[cv]\nfolds = 3\n[search]\ngrid = { C = { logspace = [-2, 2, 6] } }\nscoring = "accuracy"\n'),
        # Six k-means runs in lockstep: seeding and Lloyd passes that grow as results arrive, with
        # per-row costs held on the workers (never stored) between passes.
        "kmeans": ("classification", 1_000_000, 8, 8_000, {"type": "kmeans", "n_init": 2},
                   "[search]\ngrid = { k = [2, 4, 8] }\n"),
        # 100 models a pass: seconds of work left when a signal lands, however fast the machine
        # (mpiexec takes a moment to pass a signal on).
        "logistic_long": ("classification", 1_000_000, 8, 8_000, {"type": "logistic"},
                          '[cv]\nfolds = 5\n[search]\ngrid = { C = { logspace = [-3, 3, 20] } }\nscoring = "accuracy"\n'),
    }

    def job(self, name, store):
        """A job file and its output, both named after the store (one per run being tested)."""
        kind, rows, cols, chunk, model, extra = self.JOBS[name]
        if not FULL and kind == "regression":
            rows //= 4  # under ASan a quarter of the rows runs as long (the drain tests' job is not cut)
        data = os.path.join(self.shared, f"{kind}.h5")
        if not os.path.exists(data):
            r = tessera(["generate", kind, "--rows", rows, "--cols", cols, "--seed", 7, "--chunk-rows", chunk, data], ranks=2)
            self.assertEqual(r.returncode, 0, r.stderr)
        out = store + ".h5"
        extra += f'[checkpoint]\ndir = "{store}"\n'
        return self.write_job(store + ".toml", {"path": data}, model, {"path": out, "overwrite": True}, extra), out

    def reference(self, name):
        """An uninterrupted run's output bytes, and how many results it stores (made once)."""
        if name in self.references:
            return self.references[name]
        store = os.path.join(self.shared, f"{name}-reference-store")
        job, out = self.job(name, store)
        r = tessera(["run", job, "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.references[name] = read_bytes(out), stored_records(store), last_json(r.stdout)["tasks"]
        return self.references[name]

    def kill_and_resume(self, name, reference, ranks, victim, fraction, resume_ranks):
        expected, records, tasks = reference
        store = self.path(f"{name}-{ranks}-{victim}-store")
        job, out = self.job(name, store)
        p = start(["run", job], ranks=ranks)
        target = max(1, int(records * fraction))
        wait_for(lambda: stored_records(store) >= target or p.poll() is not None, what=f"{target} stored results")
        pids = tessera_processes(job)
        self.assertIsNone(p.poll(), f"the {name} job ended before {target} of {records} results were stored")
        pid = next(pid for pid in pids if (mpi_rank_of(pid) == 0) == (victim == "rank 0"))
        os.kill(pid, signal.SIGKILL)
        p.communicate(timeout=60)
        self.assertNotEqual(p.returncode, 0)
        wait_for(lambda: tessera_processes(job) == [], what="every rank to exit")
        self.assertFalse(os.path.exists(out), "a killed run leaves no output")

        r = tessera(["run", job, "--resume", "--json"], ranks=resume_ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = last_json(r.stdout)
        self.assertGreater(summary["tasks_from_store"], 0, r.stderr)
        self.assertLess(summary["tasks"], tasks, "a resumed run computes less than a full one")
        self.assertEqual(read_bytes(out), expected, f"{name}: the resumed output differs from an uninterrupted run's")

    def run_matrix(self, name):
        reference = self.reference(name)
        cases = [(2, "worker", 0.0, 3), (2, "rank 0", 0.5, 5), (3, "worker", 0.5, 2), (3, "rank 0", 0.0, 5),
                 (5, "worker", 0.3, 3), (5, "rank 0", 0.7, 2)]
        for ranks, victim, fraction, resume_ranks in cases if FULL else cases[1:3]:
            with self.subTest(job=name, ranks=ranks, victim=victim, after=fraction, resumed_on=resume_ranks):
                self.kill_and_resume(name, reference, ranks, victim, fraction, resume_ranks)

    def test_gram_killed_anywhere_resumes_bit_identical(self):
        self.run_matrix("gram")

    def test_ols_tsqr_killed_anywhere_resumes_bit_identical(self):
        self.run_matrix("ols")

    def test_logistic_search_killed_anywhere_resumes_bit_identical(self):
        self.run_matrix("logistic")

    def test_kmeans_grid_killed_anywhere_resumes_bit_identical(self):
        self.run_matrix("kmeans")

    def drained_by(self, name, send):
        """Starts a job, lets it store some results, calls `send(process, job)`; returns the run."""
        store = self.path(f"{name}-drain-store")
        job, out = self.job(name, store)
        p = start(["run", job, "--grace", "5"], ranks=3)
        wait_for(lambda: stored_records(store) >= 3 or p.poll() is not None, what="stored results")
        self.assertIsNone(p.poll(), "the job ended before it could be signalled")
        sent = time.monotonic()
        send(p, job)
        stdout, stderr = p.communicate(timeout=60)
        elapsed = time.monotonic() - sent
        wait_for(lambda: tessera_processes(job) == [], what="every rank to exit")
        self.assertLess(elapsed, 5 + 5, "every rank exits within the grace period plus 5 seconds")
        self.assertFalse(os.path.exists(out), f"exit {p.returncode}, stderr:\n{stderr}")
        self.assertEqual([n for n in os.listdir(self.dir) if ".tmp-" in n], [], "the temporary output is removed")
        return p.returncode, stderr, job, out, store

    def test_sigterm_to_every_rank_exits_75_and_the_resume_completes(self):
        expected = self.reference(DRAIN_JOB)[0]

        def sigterm_every_rank(p, job):  # what srun, and Slurm at the time limit, do
            for pid in tessera_processes(job):
                os.kill(pid, signal.SIGTERM)

        code, stderr, job, out, store = self.drained_by(DRAIN_JOB, sigterm_every_rank)
        self.assertEqual(code, 75, stderr)
        lines = error_lines(stderr)
        self.assertEqual(len(lines), 1, stderr)
        self.assertRegex(lines[0], rf"^tessera: interrupted by SIGTERM: [\d,]+ of [\d,]+ tasks done, stored in {store}; "
                                   r"rerun with --resume$")
        r = tessera(["run", job, "--resume"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(read_bytes(out), expected)

    def test_sigusr1_through_mpiexec_exits_75(self):
        # mpiexec passes SIGUSR1 on to every rank (Slurm's --signal=USR1@SECONDS warning).
        code, stderr, job, out, store = self.drained_by(DRAIN_JOB, lambda p, job: p.send_signal(signal.SIGUSR1))
        self.assertEqual(code, 75, stderr)
        self.assertIn("interrupted by SIGUSR1", stderr)
        r = tessera(["run", job, "--resume"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_sigterm_to_mpiexec_stores_what_finished_and_the_resume_completes(self):
        expected = self.reference(DRAIN_JOB)[0]
        # mpiexec passes SIGTERM on, kills the ranks a second later, and exits 1 itself.
        code, stderr, job, out, store = self.drained_by(DRAIN_JOB, lambda p, job: p.send_signal(signal.SIGTERM))
        self.assertNotEqual(code, 0)
        self.assertIn("interrupted by SIGTERM", stderr)
        r = tessera(["run", job, "--resume", "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(last_json(r.stdout)["tasks_from_store"], 0)
        self.assertEqual(read_bytes(out), expected)
