"""What used to fail late, mislead, run unbounded or report nonsense: every check is made before
any task runs, with one line naming the file or key and exit code 2; undefined scores are NaN as
scikit-learn gives them; non-finite results are refused, naming the column."""
import os
import warnings

import h5py
import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, KFold

from exact_ols import exact_ols
from tessera_e2e import TempDirTest, error_lines, last_json, temporaries, tessera


class UpFront(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(2)
        self.data = self.path("d.h5")
        self.X = rng.normal(size=(400, 3))
        self.y = self.X @ [1.0, -2.0, 0.5] + rng.normal(size=400)
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(100, 3))
            f["y"] = self.y
            bad = self.X.copy()
            bad[5, 1] = np.nan  # a task that ran would fail on this
            f.create_dataset("X_nan", data=bad, chunks=(100, 3))
        self.out = self.path("out.h5")

    def bad(self, model=None, output=None, extra="", data=None, sets=(), ranks=3):
        job = self.write_job("job.toml", {"path": self.data, **(data or {})}, model or {"type": "gram"},
                             output or {"path": self.out}, extra)
        r = tessera(["run", job] + [a for s in sets for a in ("--set", s)], ranks=ranks)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertEqual(temporaries(self.dir), [])
        return lines[0]

    def test_output_path_that_is_a_directory_is_refused_before_any_task(self):
        os.mkdir(self.path("results"))
        for overwrite in (False, True):
            # X_nan would fail the first read task: the output check must come first.
            line = self.bad(data={"features": "X_nan"}, output={"path": self.path("results"), "overwrite": overwrite})
            self.assertIn("is a directory", line)
        line = self.bad(data={"features": "X_nan"}, output={"path": self.path("results") + "/"})
        self.assertIn("names a directory", line)
        self.assertEqual(os.listdir(self.path("results")), [], "no '..tmp-PID' file inside it")

    def test_output_directory_that_cannot_be_written(self):
        from tessera_e2e import Tmpfs
        with Tmpfs(64 * 1024, read_only=True) as disk:
            line = self.bad(output={"path": os.path.join(disk.path, "out.h5")})
            self.assertIn("cannot write in output directory", line)

    def test_job_file_that_is_a_directory(self):
        r = tessera(["run", self.dir], ranks=2)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(error_lines(r.stderr), [f"tessera: error: {self.dir}: is a directory, not a job file"])

    def test_grid_values_are_checked(self):
        ridge = {"type": "ridge"}
        self.assertIn("grid alpha: alpha must be finite and not negative, got inf",
                      self.bad(model=ridge, extra="[search]\ngrid = { alpha = [1.0, inf] }\n"))
        self.assertIn("logspace count must be at least 1, got -3",
                      self.bad(model=ridge, extra="[search]\ngrid = { alpha = { logspace = [-2, 2, -3] } }\n"))
        self.assertIn("C must be positive and finite",
                      self.bad(model={"type": "logistic"}, extra="[search]\ngrid = { C = [1.0, inf] }\n"))
        self.assertIn("alpha must be finite", self.bad(model={"type": "ridge"}, sets=["model.alpha=inf"]))

    def test_a_grid_too_large_is_refused_without_expanding_it(self):
        line = self.bad(model={"type": "ridge"}, extra="[search]\ngrid = { alpha = { logspace = [-3, 3, 1000000000000] } }\n")
        self.assertIn("max_candidates", line)
        line = self.bad(model={"type": "ridge"},
                        extra="[search]\ngrid = { alpha = { logspace = [-3, 3, 2000] }, \"pca.n_components\" = "
                              + str(list(range(1, 4))) + " }\nmax_candidates = 5000\n")
        self.assertIn("6000 candidates is more than the 5000", line)

    def test_a_million_candidates_run(self):
        # Grid handling is linear: a million candidates is an ordinary job (no timing asserted).
        job = self.write_job("big.toml", {"path": self.data}, {"type": "ridge"}, {"path": self.out},
                             "[cv]\nfolds = 2\n[search]\ngrid = { alpha = { logspace = [-3, 3, 1000000] } }\n")
        r = tessera(["run", job, "-q"], ranks=2, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr[-2000:])
        with h5py.File(self.out) as f:
            self.assertEqual(f["rank_test_score"].shape, (1000000,))
            self.assertEqual(f["rank_test_score"][:].min(), 1)

    def test_integer_options_out_of_range_are_bad_input(self):
        r = tessera(["generate", "regression", "--rows", "99999999999999999999", "--cols", 3, self.path("g.h5")], ranks=2)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(error_lines(r.stderr)), 1, r.stderr)
        self.assertIn("does not fit in a 64-bit integer", r.stderr)
        self.assertFalse(os.path.exists(self.path("g.h5")))


class UndefinedScores(TempDirTest):
    def make(self, X, y, name="d.h5"):
        path = self.path(name)
        with h5py.File(path, "w") as f:
            f.create_dataset("X", data=X, chunks=(min(len(y), 64), X.shape[1]))
            f["y"] = y
        return path

    def run_search(self, data, model, folds, grid, scoring, code=0):
        job = self.write_job("s.toml", {"path": data}, model, {"path": self.path("s.h5")},
                             f"[cv]\nfolds = {folds}\n[search]\ngrid = {grid}\nscoring = \"{scoring}\"\n")
        r = tessera(["run", job, "--json"], ranks=3)
        self.assertEqual(r.returncode, code, r.stderr)
        return r

    def assertSplitScoresMatch(self, summary, search, folds):
        """Every candidate's every split score as scikit-learn's GridSearchCV gave it."""
        for c, candidate in enumerate(summary["cv_results"]):
            expected = [search.cv_results_[f"split{k}_test_score"][c] for k in range(folds)]
            np.testing.assert_allclose(candidate["split_test_scores"], expected, rtol=1e-8, atol=1e-12)

    def test_leave_one_out_r2_is_nan_everywhere_and_the_search_an_error(self):
        rng = np.random.default_rng(0)
        X = rng.normal(size=(12, 2))
        data = self.make(X, X @ [1.0, 2.0] + rng.normal(size=12))
        r = self.run_search(data, {"type": "ridge"}, 12, "{ alpha = [0.1, 1.0] }", "r2", code=2)
        self.assertEqual(len(error_lines(r.stderr)), 1, r.stderr)
        self.assertIn("every candidate's mean r2 is NaN", r.stderr)
        self.assertIn("fewer than two rows", r.stderr)
        self.assertFalse(os.path.exists(self.path("s.h5")))
        self.assertFalse(os.path.exists(self.path("s.csv")))

    def test_leave_one_out_mse_is_defined_and_matches_scikit_learn(self):
        rng = np.random.default_rng(1)
        X = rng.normal(size=(12, 2))
        y = X @ [1.0, 2.0] + rng.normal(size=12)
        data = self.make(X, y)
        d = last_json(self.run_search(data, {"type": "ridge"}, 12, "{ alpha = [0.1, 1.0] }", "neg_mean_squared_error").stdout)
        ref = GridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=KFold(12), scoring="neg_mean_squared_error").fit(X, y)
        self.assertSplitScoresMatch(d, ref, 12)

    def test_roc_auc_and_log_loss_on_a_fold_of_one_class(self):
        # Sorted labels: the first of 4 contiguous folds holds class 0 only.
        rng = np.random.default_rng(2)
        X = rng.normal(size=(80, 2))
        y = (X[:, 0] + 0.3 * rng.normal(size=80) > 0).astype(float)
        order = np.argsort(y, kind="stable")
        X, y = X[order], y[order]
        data = self.make(X, y)
        for scoring in ("roc_auc", "neg_log_loss"):
            with self.subTest(scoring=scoring), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref = GridSearchCV(LogisticRegression(), {"C": [0.1, 1.0]}, cv=KFold(4), scoring=scoring).fit(X, y)
                self.assertTrue(np.isnan(ref.cv_results_["split0_test_score"]).all())
                r = self.run_search(data, {"type": "logistic"}, 4, "{ C = [0.1, 1.0] }", scoring, code=2)
                self.assertIn(f"every candidate's mean {scoring} is NaN", r.stderr)
                self.assertIn("holds only one class", r.stderr)

    def test_a_constant_test_fold_scores_r2_as_scikit_learn_does(self):
        rng = np.random.default_rng(3)
        X = rng.normal(size=(30, 2))
        y = X @ [1.0, -1.0] + rng.normal(size=30)
        y[:10] = 5.0  # the first of 3 folds: a constant target
        data = self.make(X, y)
        d = last_json(self.run_search(data, {"type": "ridge"}, 3, "{ alpha = [0.1, 1.0] }", "r2").stdout)
        ref = GridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=KFold(3), scoring="r2").fit(X, y)
        self.assertSplitScoresMatch(d, ref, 3)


class NonFiniteResults(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(5)
        self.X = rng.normal(size=(300, 4))
        self.X[:, 2] *= 1e200  # finite values whose squares are not
        self.y = rng.normal(size=300)
        self.data = self.path("big.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(100, 4))
            f["y"] = self.y

    def test_overflowing_sums_of_squares_name_the_column(self):
        for name, model, extra in (("gram", {"type": "gram"}, ""), ("cholesky", {"type": "ols", "solver": "cholesky"}, ""),
                                   ("ridge", {"type": "ridge"}, ""), ("ridge cv", {"type": "ridge"}, "[cv]\nfolds = 3\n"),
                                   ("logistic", {"type": "logistic"}, "")):
            with self.subTest(model=name):
                out = self.path(name.replace(" ", "_") + ".h5")
                data = {"path": self.data}
                if name == "logistic":
                    with h5py.File(self.data, "a") as f:
                        if "labels" not in f:
                            f["labels"] = (self.y > 0).astype(float)
                    data["target"] = "labels"
                job = self.write_job(name.replace(" ", "_") + ".toml", data, model, {"path": out}, extra)
                line = self.run_bad_job(job, out)
                self.assertIn(f"{self.data}:X column 2", line)
                self.assertIn("overflow", line)

    def test_tsqr_never_squares_so_it_fits_such_data(self):
        # Householder QR works with column norms, not their squares: 1e200 is an ordinary value.
        out = self.path("ols.h5")
        job = self.write_job("ols.toml", {"path": self.data}, {"type": "ols"}, {"path": out})
        r = tessera(["run", job, "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = last_json(r.stdout)
        expected, _ = exact_ols(self.X, self.y)  # numpy's lstsq cannot: its SVD drops the small columns
        np.testing.assert_allclose([d["intercept"]] + d["coef"], expected, rtol=1e-9)
