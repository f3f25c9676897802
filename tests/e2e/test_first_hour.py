"""What a new user meets in the first hour: --version, -v and -q anywhere, tables whose ranks can be
told apart, a summary line that says what it counts, and output files whose counts are integers
and whose strings are UTF-8."""
import re

import h5py
import numpy as np

from tessera_e2e import TempDirTest, error_lines, last_json, tessera


class FirstHour(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(6)
        self.data = self.path("d.h5")
        X = rng.normal(size=(3000, 4))
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=X, chunks=(500, 4))
            f["y"] = X @ [1.0, 2.0, 0.0, -1.0] + rng.normal(size=3000)
            f["labels"] = (X[:, 0] + rng.normal(size=3000) > 0).astype(float)
            f["p"] = rng.uniform(size=3000)

    def test_version(self):
        r = tessera(["--version"], ranks=1)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout.strip(), r"^tessera \d+\.\d+\.\d+ \(Open MPI [\d.]+, HDF5 [\d.]+, Eigen [\d.]+, Boost [\d.]+\)$")

    def test_verbose_and_quiet_before_or_after_the_subcommand(self):
        job = self.write_job("j.toml", {"path": self.data}, {"type": "gram"}, {"path": self.path("o.h5"), "overwrite": True})
        for args in (["-v", "run", job], ["run", job, "-v"], ["run", "-v", job]):
            r = tessera(args, ranks=2)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertRegex(r.stderr, r"tessera: debug: +gram +\d+ tasks", args)
        for args in (["-q", "run", job], ["run", job, "-q"]):
            r = tessera(args, ranks=2)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(error_lines(r.stderr), [], args)

    def test_summary_line_says_what_deduplicated_means(self):
        job = self.write_job("j.toml", {"path": self.data, "target": "labels"}, {"type": "logistic"}, {"path": self.path("o.h5")},
                             "[cv]\nfolds = 3\n[search]\ngrid = { C = [0.1, 1.0] }\n")
        r = tessera(["run", job, "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        shared = last_json(r.stdout)["tasks_deduplicated"]
        self.assertGreater(shared, 0)
        self.assertIn(f"({shared} more were identical to a task already submitted and used its result)", r.stderr)

    def test_table_digits_tell_ranked_candidates_apart(self):
        # Penalties so close that the mean scores agree in their first 8-10 digits.
        job = self.write_job("j.toml", {"path": self.data}, {"type": "ridge"}, {"path": self.path("o.h5")},
                             "[cv]\nfolds = 3\n[search]\ngrid = { alpha = [1.0, 1.000001, 1.000002, 1.000003, 1.000004] }\n")
        r = tessera(["run", job], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [line.split() for line in r.stdout.splitlines() if re.match(r"^\s+1(\.0+\d*)?\s", line)]
        self.assertEqual(len(rows), 5, r.stdout)
        ranks = [int(row[-1]) for row in rows]
        self.assertEqual(sorted(ranks), [1, 2, 3, 4, 5], "distinct means")
        alphas, means = [row[0] for row in rows], [row[1] for row in rows]
        self.assertEqual(len(set(alphas)), 5, f"penalties printed alike: {alphas}")
        self.assertEqual(len(set(means)), 5, f"ranked means printed alike: {means}")

    def test_counts_are_integers_and_strings_utf8(self):
        def run(model, extra="", data=None):
            out = self.path("o.h5")
            job = self.write_job("j.toml", {"path": self.data, **(data or {})}, model, {"path": out, "overwrite": True}, extra)
            r = tessera(["run", job], ranks=2)
            self.assertEqual(r.returncode, 0, r.stderr)
            return h5py.File(out)

        with run({"type": "ols"}) as f:
            for name in ("n", "p", "df_resid"):
                self.assertEqual(f[name].dtype, np.int64, name)
            self.assertEqual(int(f["n"][()]), 3000)
            self.assertEqual(h5py.check_string_dtype(f["solver"].dtype).encoding, "utf-8")
            self.assertEqual(f["solver"].asstr()[()], "tsqr")
            self.assertEqual(list(f["feature_names"].asstr()[:]), ["x0", "x1", "x2", "x3"])
        with run({"type": "gram"}) as f:
            self.assertEqual(f["n"].dtype, np.int64)
        with run({"type": "ridge"}, "[model.pca]\nn_components = 2\n[cv]\nfolds = 3\n[search]\n"
                                   "grid = { alpha = [0.1, 1.0], \"pca.n_components\" = [1, 2] }\n") as f:
            self.assertEqual(f["rank_test_score"].dtype, np.int64)
            self.assertEqual(f["param_pca.n_components"].dtype, np.int64)
            self.assertEqual(f["pca_n_components"].dtype, np.int64)
        with run({"type": "logistic"}, data={"target": "labels"}) as f:
            self.assertEqual(f["n_iter"].dtype, np.int64)
            self.assertEqual(f["converged"][()], 1)
        with run({"type": "evaluate", "metrics": "classification"}, data={"target": "labels", "predictions": "p"}) as f:
            self.assertEqual(f["confusion_matrix"].dtype, np.int64)
            self.assertEqual(f["rows"].dtype, np.int64)
            self.assertEqual(int(f["confusion_matrix"][:].sum()), 3000)
