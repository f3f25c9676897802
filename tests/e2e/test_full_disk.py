"""A full disk, a nearly full disk, and one that fills while the job writes, on a small tmpfs the
test mounts: every job type and `generate` either writes a complete, correct file or fails with one
line naming the disk's problem — never a success line over a broken file, never a crash at exit,
never a file under the final name or a temporary file left behind."""
import os
import threading

import h5py
import numpy as np

from tessera_e2e import TempDirTest, Tmpfs, error_lines, last_json, start, temporaries, tessera, wait_for

KiB = 1024


class FullDisk(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(3)
        self.data = self.path("in.h5")
        self.X = rng.normal(size=(20000, 40))
        self.y = self.X @ rng.normal(size=40) + rng.normal(size=20000)
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(4096, 40))
            f["y"] = self.y
            f["labels"] = (self.y > 0).astype(float)
            f["p"] = 1 / (1 + np.exp(-self.y))
            f["B"] = rng.normal(size=(40, 8))

    JOBS = {
        "gram": ({}, {"type": "gram"}, ""),
        "ols with predict": ({}, {"type": "ols"}, "[predict]\npath = \"DATA\"\n"),
        "dot": ({"a": "X", "b": "B"}, {"type": "dot"}, ""),
        "ridge search": ({}, {"type": "ridge"}, "[cv]\nfolds = 3\n[search]\ngrid = { alpha = [0.1, 1.0, 10.0] }\n"),
        "logistic": ({"target": "labels"}, {"type": "logistic"}, ""),
        "evaluate": ({"target": "labels", "predictions": "p"}, {"type": "evaluate", "metrics": "classification"}, ""),
    }

    def job(self, kind, out):
        data, model, extra = self.JOBS[kind]
        return self.write_job("job.toml", {"path": self.data, **data}, model, {"path": out}, extra.replace("DATA", self.data))

    def assertFailedCleanly(self, r, disk, *outputs):
        self.assertNotEqual(r.returncode, 0, r.stdout)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertTrue(lines[0].startswith("tessera: error: "), lines[0])
        self.assertRegex(lines[0], "No space left on device|cannot reserve", lines[0])
        self.assertNotIn("wrote", r.stderr)
        self.assertNotIn("Segmentation", r.stderr + r.stdout)
        for o in outputs:
            self.assertFalse(os.path.exists(o), f"{o} left under its final name")
        self.assertEqual(temporaries(disk.path), [], "temporary file left behind")

    def test_every_job_on_a_full_and_a_nearly_full_disk(self):
        for kind in self.JOBS:
            for free in (0, 4 * KiB):
                with self.subTest(job=kind, free=free), Tmpfs(256 * KiB) as disk:
                    disk.fill(free)
                    out = os.path.join(disk.path, "out.h5")
                    r = tessera(["run", self.job(kind, out)], ranks=3)
                    self.assertFailedCleanly(r, disk, out, os.path.join(disk.path, "out.csv"))

    def test_a_result_that_fits_is_complete(self):
        # With room to spare the same jobs succeed, and what they wrote is right.
        with Tmpfs(8 * 1024 * KiB) as disk:
            out = os.path.join(disk.path, "out.h5")
            r = tessera(["run", self.job("dot", out)], ranks=3)
            self.assertEqual(r.returncode, 0, r.stderr)
            with h5py.File(self.data) as f, h5py.File(out) as o:
                np.testing.assert_allclose(o["C"][:], f["X"][:] @ f["B"][:], rtol=1e-12, atol=1e-12)
            self.assertEqual(temporaries(disk.path), [])

    def test_generate_on_a_full_and_a_nearly_full_disk(self):
        for ranks in (1, 2):
            for free in (0, 4 * KiB, 12 * KiB):
                with self.subTest(ranks=ranks, free=free), Tmpfs(512 * KiB) as disk:
                    disk.fill(free)
                    out = os.path.join(disk.path, "g.h5")
                    r = tessera(["generate", "regression", "--rows", 20000, "--cols", 8, out], ranks=ranks)
                    self.assertFailedCleanly(r, disk, out)

    def test_generate_far_larger_than_the_disk_fails_at_once(self):
        # 10^15 rows: a valid size, but no disk holds it; no sparse petabyte temporary stays behind.
        with Tmpfs(1024 * KiB) as disk:
            out = os.path.join(disk.path, "huge.h5")
            r = tessera(["generate", "regression", "--rows", 10 ** 15, "--cols", 2, out], ranks=2, timeout=60)
            self.assertNotEqual(r.returncode, 0)
            self.assertEqual(len(error_lines(r.stderr)), 1, r.stderr)
            self.assertRegex(r.stderr, "cannot reserve|No space left|File too large")
            self.assertEqual(disk.entries(), [])

    def test_disk_filling_while_the_workers_write(self):
        # Another process fills the disk while the job runs. The job's space was reserved before
        # any worker wrote, so it either completes correctly or, if the filler won the race for
        # the space, fails cleanly; it never reports success over a broken file.
        rows = 400000
        big = self.path("big.h5")
        with h5py.File(big, "w") as f:
            f.create_dataset("A", data=np.arange(rows * 4, dtype=float).reshape(rows, 4), chunks=(8192, 4))
            f["B"] = np.eye(4)[:, :3]
        for kind in ("dot", "generate"):
            with self.subTest(kind=kind), Tmpfs(16 * 1024 * KiB) as disk:
                out = os.path.join(disk.path, "out.h5")
                if kind == "dot":
                    job = self.write_job("big.toml", {"path": big, "a": "A", "b": "B", "chunk_rows": 4096}, {"type": "dot"},
                                         {"path": out})
                    p = start(["run", job, "--json"], ranks=3)
                else:
                    p = start(["generate", "regression", "--rows", rows, "--cols", 3, "--chunk-rows", 4096, out], ranks=2)
                filler = threading.Thread(target=lambda: (wait_for(lambda: temporaries(disk.path), what="the job's file"),
                                                          disk.fill(0)))
                filler.start()
                stdout, stderr = p.communicate(timeout=120)
                filler.join()
                if p.returncode == 0:
                    with h5py.File(out) as o:
                        if kind == "dot":
                            np.testing.assert_array_equal(o["C"][:], np.arange(rows * 4, dtype=float).reshape(rows, 4)[:, :3])
                        else:
                            self.assertEqual(o["X"].shape, (rows, 3))
                            np.testing.assert_allclose(o["expected_y"][:], o["X"][:] @ o["coef_true"][:], rtol=1e-12, atol=1e-12)
                else:
                    self.assertEqual(len(error_lines(stderr)), 1, stderr)
                    self.assertFalse(os.path.exists(out))
                self.assertEqual(temporaries(disk.path), [])
