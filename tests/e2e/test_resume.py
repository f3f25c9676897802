"""A checkpoint store with real kills: a gram job, an OLS TSQR job and a logistic grid search are
killed with SIGKILL (a worker, or rank 0) at several points on 2, 3 and 5 ranks, resumed with
--resume on another rank count, and their output files compared byte for byte with an
uninterrupted run's. Signals that let a run drain (SIGTERM, SIGUSR1) end it with exit code 75."""
import glob
import json
import os
import shutil
import signal
import time

from tessera_e2e import TempDirTest, Tmpfs, error_lines, last_json, mpi_rank_of, start, tessera, tessera_processes, wait_for

# Under AddressSanitizer every job is several times slower: a representative part of the matrix.
FULL = os.environ.get("TESSERA_RESUME_MATRIX", "full") == "full"


def stored_records(store):
    """Whole index entries (48 bytes each) the ranks have flushed so far."""
    return sum(os.path.getsize(f) // 48 for f in glob.glob(os.path.join(store, "*.pack.idx")))


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


class Resume(TempDirTest):
    JOBS = {
        # name: (data kind, rows, cols, chunk rows, [model] keys, extra sections)
        # Enough rows that a job runs for about a second: the kills land while it works.
        "gram": ("regression", 2_400_000, 16, 4_000, {"type": "gram"}, ""),
        "ols": ("regression", 2_400_000, 16, 4_000, {"type": "ols", "solver": "tsqr"}, ""),
        "logistic": ("classification", 1_000_000, 8, 8_000, {"type": "logistic"},
                     '[cv]\nfolds = 3\n[search]\ngrid = { C = { logspace = [-2, 2, 6] } }\nscoring = "accuracy"\n'),
    }

    def job(self, name, store):
        """A job file and its output, both named after the store (one per run being tested)."""
        kind, rows, cols, chunk, model, extra = self.JOBS[name]
        data = self.path(f"{kind}.h5")
        if not os.path.exists(data):
            self.generate(f"{kind}.h5", rows, cols, kind=kind, extra=("--chunk-rows", chunk))
        out = store + ".h5"
        extra += f'[checkpoint]\ndir = "{store}"\n'
        return self.write_job(store + ".toml", {"path": data}, model, {"path": out, "overwrite": True}, extra), out

    def reference(self, name):
        """An uninterrupted run's output bytes, and how many results it stores."""
        store = self.path(f"{name}-reference-store")
        job, out = self.job(name, store)
        r = tessera(["run", job, "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        return read_bytes(out), stored_records(store), last_json(r.stdout)["tasks"]

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
        self.assertFalse(os.path.exists(out))
        self.assertEqual([n for n in os.listdir(self.dir) if ".tmp-" in n], [], "the temporary output is removed")
        return p.returncode, stderr, job, out, store

    def test_sigterm_to_every_rank_exits_75_and_the_resume_completes(self):
        expected = self.reference("logistic")[0]

        def sigterm_every_rank(p, job):  # what srun, and Slurm at the time limit, do
            for pid in tessera_processes(job):
                os.kill(pid, signal.SIGTERM)

        code, stderr, job, out, store = self.drained_by("logistic", sigterm_every_rank)
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
        code, stderr, job, out, store = self.drained_by("logistic", lambda p, job: p.send_signal(signal.SIGUSR1))
        self.assertEqual(code, 75, stderr)
        self.assertIn("interrupted by SIGUSR1", stderr)
        r = tessera(["run", job, "--resume"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_sigterm_to_mpiexec_stores_what_finished_and_the_resume_completes(self):
        expected = self.reference("logistic")[0]
        # mpiexec passes SIGTERM on, kills the ranks a second later, and exits 1 itself.
        code, stderr, job, out, store = self.drained_by("logistic", lambda p, job: p.send_signal(signal.SIGTERM))
        self.assertNotEqual(code, 0)
        self.assertIn("interrupted by SIGTERM", stderr)
        r = tessera(["run", job, "--resume", "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(last_json(r.stdout)["tasks_from_store"], 0)
        self.assertEqual(read_bytes(out), expected)


class StoreChecks(TempDirTest):
    """A store is used only for its own job and unchanged data; damaged records are recomputed."""

    def setUp(self):
        super().setUp()
        self.data = self.generate("data.h5", 100_000, 6, extra=("--chunk-rows", 5_000))
        self.store = self.path("store")
        self.out = self.path("gram.h5")
        self.job = self.write_job("gram.toml", {"path": self.data}, {"type": "gram"}, {"path": self.out, "overwrite": True},
                                  f'[checkpoint]\ndir = "{self.store}"\n')
        r = tessera(["run", self.job, "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.expected = read_bytes(self.out)
        self.full_tasks = last_json(r.stdout)["tasks"]

    def test_without_resume_earlier_results_are_reported_not_used(self):
        r = tessera(["run", self.job, "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stderr, r"checkpoint .*store: [\d,]+ results from an earlier run; pass --resume to use them")
        summary = last_json(r.stdout)
        self.assertEqual(summary["tasks_from_store"], 0)
        self.assertEqual(summary["tasks"], self.full_tasks)
        self.assertEqual(read_bytes(self.out), self.expected)

    def test_resume_with_everything_stored_reads_only_the_result(self):
        r = tessera(["run", self.job, "--resume", "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        summary = last_json(r.stdout)
        self.assertEqual((summary["tasks"], summary["tasks_from_store"]), (0, 1))
        self.assertEqual(read_bytes(self.out), self.expected)

    def corrupt_every_record(self, how):
        for pack in glob.glob(os.path.join(self.store, "*.pack")):
            size = os.path.getsize(pack)
            with open(pack, "r+b") as f:
                if how == "truncate":
                    f.truncate(min(size, 30))
                else:  # flip a byte in every 64: every record is hit
                    for offset in range(40, size, 64):
                        f.seek(offset)
                        b = f.read(1)
                        f.seek(offset)
                        f.write(bytes([b[0] ^ 0xFF]))

    def test_a_corrupted_or_truncated_store_is_recomputed_with_a_warning(self):
        for how in ("flip", "truncate"):
            with self.subTest(damage=how):
                self.corrupt_every_record(how)
                r = tessera(["run", self.job, "--resume", "--json"], ranks=3)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertRegex(r.stderr, r"stored result of task .* cannot be used \(.*(checksum|truncated).*\); computing it again")
                self.assertEqual(read_bytes(self.out), self.expected)

    def test_a_changed_input_is_refused(self):
        os.utime(self.data, (time.time(), time.time() + 5))
        r = tessera(["run", self.job, "--resume"], ranks=2)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(f"{self.data} changed since checkpoint directory {self.store} was written: it was modified", lines[0])
        # A different shape is named as such.
        self.generate("data.h5", 100_001, 6, extra=("--chunk-rows", 5_000, "--overwrite"))
        lines = error_lines(tessera(["run", self.job, "--resume"], ranks=2).stderr)
        self.assertIn("its size was", lines[0])

    def test_a_store_of_another_job_is_refused_and_left_alone(self):
        before = sorted(os.listdir(self.store))
        other = self.write_job("ols.toml", {"path": self.data}, {"type": "ols"}, {"path": self.path("ols.h5")},
                               f'[checkpoint]\ndir = "{self.store}"\n')
        r = tessera(["run", other, "--resume"], ranks=2)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn(f"checkpoint directory {self.store} belongs to another job (written for {self.job}; its job had "
                      "'type = 'gram'', this one 'type = 'ols'')", lines[0])
        self.assertEqual(sorted(os.listdir(self.store)), before, "nothing written")
        self.assertFalse(os.path.exists(self.path("ols.h5")))

    def test_bad_store_directories_are_refused_before_anything_is_written(self):
        plain_file = self.path("a-file")
        open(plain_file, "w").close()
        foreign = self.path("foreign")
        os.mkdir(foreign)
        open(os.path.join(foreign, "notes.txt"), "w").close()
        cases = {
            self.path("missing/store"): f"checkpoint directory {self.path('missing/store')}: its parent {self.path('missing')} does not exist",
            plain_file: f"checkpoint directory {plain_file}: is not a directory",
            foreign: f"checkpoint directory {foreign}: holds notes.txt, which tessera did not write",
        }
        for directory, message in cases.items():
            with self.subTest(directory=directory):
                out = self.path("other.h5")
                r = tessera(["run", self.job, "--checkpoint", directory, "--set", f"output.path={out}"], ranks=2)
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = error_lines(r.stderr)
                self.assertEqual(len(lines), 1, r.stderr)
                self.assertIn(message, lines[0])
                self.assertNoOutputLeft(out)
        self.assertEqual(os.listdir(foreign), ["notes.txt"])

    def test_resume_without_a_store_is_refused(self):
        bare = self.write_job("bare.toml", {"path": self.data}, {"type": "gram"}, {"path": self.path("bare.h5")})
        lines = error_lines(tessera(["run", bare, "--resume"], ranks=2).stderr)
        self.assertEqual(lines, [f"tessera: error: --resume needs a checkpoint directory: [checkpoint] dir in {bare}, or "
                                 "--checkpoint DIR"])

    def test_a_read_only_store_directory_is_refused(self):
        with Tmpfs(64 * 1024, read_only=True) as disk:
            r = tessera(["run", self.job, "--checkpoint", disk.path, "--set", f"output.path={self.path('ro.h5')}"], ranks=2)
            self.assertEqual(r.returncode, 2, r.stderr)
            lines = error_lines(r.stderr)
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn(f"checkpoint directory {disk.path}: cannot write in {disk.path} (Read-only file system)", lines[0])
            self.assertNoOutputLeft(self.path("ro.h5"))

    def test_a_full_disk_while_storing_costs_one_warning_and_nothing_else(self):
        # Room for the manifest and a few pages of results; the job's 400 results (80 KB) do not fit.
        data = self.generate("many.h5", 200_000, 6, extra=("--chunk-rows", 1_000))
        out = self.path("many.h5.gram")
        job = self.write_job("many.toml", {"path": data}, {"type": "gram"}, {"path": out, "overwrite": True})
        r = tessera(["run", job], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        expected = read_bytes(out)
        with Tmpfs(32 * 1024) as disk:
            store = os.path.join(disk.path, "store")
            r = tessera(["run", job, "--checkpoint", store, "--json"], ranks=3)
            self.assertEqual(r.returncode, 0, r.stderr)
            warnings = [l for l in error_lines(r.stderr) if "warning" in l]
            self.assertEqual(len(warnings), 1, r.stderr)
            self.assertIn("No space left on device; the job goes on without storing more results", warnings[0])
            self.assertEqual(read_bytes(out), expected)
            # What was stored is whole: a resume (where there is room for its manifest) uses it and
            # still writes the same file.
            copy = self.path("copied-store")
            shutil.copytree(store, copy)
        r = tessera(["run", job, "--checkpoint", copy, "--resume", "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(last_json(r.stdout)["tasks_from_store"], 0)
        self.assertEqual(read_bytes(out), expected)
