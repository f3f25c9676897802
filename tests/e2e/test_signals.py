"""Real signals on real jobs: SIGTERM and SIGINT (what Slurm and Ctrl-C send) end every rank with
one line and exit code 128 + signal, leaving no temporary file; a job killed outright (SIGKILL)
leaves its temporary file, which the next run in that directory removes."""
import os
import signal
import time

import h5py
import numpy as np

from tessera_e2e import TempDirTest, error_lines, mpi_rank_of, start, temporaries, tessera, tessera_processes, wait_for


class Signals(TempDirTest):
    def setUp(self):
        super().setUp()
        # Small row blocks, each written and flushed to disk by its own task: the jobs run for
        # several seconds on two cores, so the signal lands mid-job.
        rows = 2_000_000
        self.data = self.path("ab.h5")
        rng = np.random.default_rng(1)
        with h5py.File(self.data, "w") as f:
            f.create_dataset("A", data=rng.normal(size=(rows, 8)), chunks=(512, 8))
            f["B"] = rng.normal(size=(8, 8))
            f["y"] = rng.normal(size=rows)
        self.out = self.path("out.h5")

    def start_job(self, kind, name="job.toml"):
        if kind == "dot":
            job = self.write_job(name, {"path": self.data, "a": "A", "b": "B", "chunk_rows": 512}, {"type": "dot"},
                                 {"path": self.out})
        else:  # ols with [predict]: predictions written by the workers into the output file
            job = self.write_job(name, {"path": self.data, "features": "A", "chunk_rows": 512}, {"type": "ols"},
                                 {"path": self.out}, f'[predict]\npath = "{self.data}"\nfeatures = "A"\n')
        p = start(["run", job], ranks=3)
        # The temporary output exists from the job's start: by then every rank is up and working.
        wait_for(lambda: temporaries(self.dir), what="the job's temporary file")
        time.sleep(0.3)
        return p, job

    def signal_ranks(self, job, sig, rank=None):
        """Sends `sig` to every rank of the job, or to one."""
        pids = tessera_processes(job)
        self.assertEqual(len(pids), 3, "three ranks should be running")
        for pid in pids:
            if rank is None or mpi_rank_of(pid) == rank:
                os.kill(pid, sig)

    def assertStoppedCleanly(self, p, job, code, name):
        stdout, stderr = p.communicate(timeout=60)
        if code is not None:
            self.assertEqual(p.returncode, code, stderr)
        else:
            self.assertNotEqual(p.returncode, 0, stderr)
        lines = error_lines(stderr)
        self.assertEqual(len(lines), 1, stderr)
        self.assertIn(f"interrupted by {name}", lines[0])
        self.assertFalse(os.path.exists(self.out))
        self.assertEqual(temporaries(self.dir), [], "the temporary output must be removed")
        self.assertEqual(tessera_processes(job), [], "every rank must have exited")

    def test_sigterm_and_sigint_to_every_rank(self):
        for kind in ("dot", "ols"):
            for sig, name in ((signal.SIGTERM, "SIGTERM"), (signal.SIGINT, "SIGINT")):
                with self.subTest(kind=kind, signal=name):
                    p, job = self.start_job(kind)
                    self.signal_ranks(job, sig)
                    self.assertStoppedCleanly(p, job, 128 + sig, name)

    def test_sigterm_to_one_worker_ends_the_whole_job(self):
        p, job = self.start_job("dot")
        self.signal_ranks(job, signal.SIGTERM, rank=2)
        self.assertStoppedCleanly(p, job, 128 + signal.SIGTERM, "SIGTERM")

    def test_sigterm_to_mpiexec(self):
        p, job = self.start_job("ols")
        p.send_signal(signal.SIGTERM)  # mpiexec passes it on to every rank
        self.assertStoppedCleanly(p, job, None, "SIGTERM")

    def test_a_killed_jobs_temporary_file_is_removed_by_the_next_run(self):
        p, job = self.start_job("dot")
        self.signal_ranks(job, signal.SIGKILL)
        p.communicate(timeout=60)
        left = temporaries(self.dir)
        self.assertEqual(len(left), 1, "SIGKILL gives no chance to clean up")
        # Any later run writing into the directory recognises the dead run's file and removes it.
        small = self.path("small.h5")
        with h5py.File(small, "w") as f:
            f["X"] = np.ones((10, 2))
            f["y"] = np.arange(10.0)
        other = self.write_job("gram.toml", {"path": small}, {"type": "gram"}, {"path": self.path("gram.h5")})
        r = tessera(["run", other], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(temporaries(self.dir), [])
        self.assertTrue(os.path.exists(self.path("gram.h5")))
