"""Jobs that race for one output name. With overwrite = false the last rename refuses to replace
a file that appeared during the job: the later job exits with code 2 and says where its result
was kept, and the earlier result is untouched."""
import os
import re

import h5py
import numpy as np

from tessera_e2e import TempDirTest, error_lines, start, temporaries, tessera, wait_for


class Races(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(4)
        self.data = self.path("d.h5")
        self.X = rng.normal(size=(1_000_000, 12))
        self.y = self.X @ rng.normal(size=12) + rng.normal(size=1_000_000)
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(8192, 12))
            f["y"] = self.y
        self.out = self.path("out.h5")
        # OLS by TSQR over many small chunks: a couple of seconds, long enough to race.
        self.job = self.write_job("job.toml", {"path": self.data, "chunk_rows": 4096}, {"type": "ols"}, {"path": self.out})

    def test_a_file_that_appears_during_the_job_is_never_replaced(self):
        p = start(["run", self.job, "--json"], ranks=3)
        wait_for(lambda: temporaries(self.dir), what="the job's temporary file")  # its check has passed
        with open(self.out, "w") as f:
            f.write("another job's result")
        stdout, stderr = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 2, stderr)
        lines = error_lines(stderr)
        self.assertEqual(len(lines), 1, stderr)
        self.assertIn("appeared while this job ran", lines[0])
        with open(self.out) as f:
            self.assertEqual(f.read(), "another job's result")
        kept = re.search(r"kept as (\S+)", lines[0]).group(1)
        with h5py.File(kept) as f:  # the result is whole, just under another name
            np.testing.assert_allclose(f["coef"][:], self.expected_coef(), rtol=1e-9)
        self.assertEqual(temporaries(self.dir), [])

    def expected_coef(self):
        return np.linalg.lstsq(np.column_stack([np.ones(len(self.y)), self.X]), self.y, rcond=None)[0][1:]

    def test_two_jobs_started_together(self):
        # Each mpiexec gets its own session directory: two started in the same instant race to
        # create the shared one (Open MPI 4.1's session_dir.c, "ORTE_ERROR_LOG ... line 107"), a
        # launcher failure before tessera runs, which is not what this test is about.
        for i in (0, 1):
            os.makedirs(self.path(f"ompi-{i}"))
        a, b = (start(["run", self.job], ranks=2, env={"OMPI_MCA_orte_tmpdir_base": self.path(f"ompi-{i}")}) for i in (0, 1))
        results = [p.communicate(timeout=180) + (p.returncode,) for p in (a, b)]
        codes = sorted(code for _, _, code in results)
        self.assertEqual(codes, [0, 2], results)
        loser = next(stderr for _, stderr, code in results if code == 2)
        self.assertEqual(len(error_lines(loser)), 1, loser)
        self.assertRegex(loser, "output file exists|appeared while this job ran")
        with h5py.File(self.out) as f:
            np.testing.assert_allclose(f["coef"][:], self.expected_coef(), rtol=1e-9)
        self.assertEqual(temporaries(self.dir), [])

    def test_generate_whose_commit_fails_on_rank_0_ends_every_rank(self):
        # Rank 0's rename is refused; the other ranks used to wait for it in a barrier forever.
        out = self.path("g.h5")
        p = start(["generate", "regression", "--rows", 3_000_000, "--cols", 8, "--chunk-rows", 8192, out], ranks=2)
        wait_for(lambda: temporaries(self.dir), what="generate's temporary file")
        with open(out, "w") as f:
            f.write("taken")
        stdout, stderr = p.communicate(timeout=120)  # returns: no rank is left waiting
        self.assertEqual(p.returncode, 2, stderr)
        self.assertEqual(len(error_lines(stderr)), 1, stderr)
        self.assertIn("appeared while this job ran", stderr)
        with open(out) as f:
            self.assertEqual(f.read(), "taken")
