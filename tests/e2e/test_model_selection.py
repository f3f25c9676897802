"""Cross-validation and grid search through the tessera binary, against scikit-learn's
GridSearchCV with the same folds — which refits every (fold, candidate) pair from the data, the
naive path tessera's shared statistics must agree with."""
import csv
import os

import h5py
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold

from tessera_e2e import TempDirTest, last_json, tessera

ALPHAS = [0.01, 0.3, 3.0, 30.0, 300.0, 3000.0]


class RidgeData(TempDirTest):
    """Regression data in an HDF5 file (chunks of 300 rows, so folds do not align with chunks)."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(8)
        self.X = rng.normal(size=(2003, 6)) * [1, 2, 3, 0.5, 1, 4] + [1, 0, -3, 2, 0, 5]
        self.y = self.X @ rng.normal(size=6) + 7 + rng.normal(scale=3, size=2003)
        self.data = self.path("d.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(300, 6))  # folds do not align with chunks
            f["y"] = self.y

    def run_search(self, scoring, ranks=3, extra="", grid=None):
        grid = grid or "{ alpha = [" + ", ".join(map(repr, ALPHAS)) + "] }"
        out = self.path("search.h5")
        job = self.write_job("j.toml", {"path": self.data}, {"type": "ridge"}, {"path": out, "overwrite": True},
                             extra=f'[cv]\nfolds = 5\n{extra}[search]\ngrid = {grid}\nscoring = "{scoring}"\n')
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out

    def check_against_sklearn(self, scoring):
        d, out = self.run_search(scoring)
        gs = GridSearchCV(Ridge(), {"alpha": ALPHAS}, cv=KFold(5), scoring=scoring).fit(self.X, self.y)
        res = gs.cv_results_
        for i, c in enumerate(d["cv_results"]):
            self.assertEqual(c["params"], {"alpha": ALPHAS[i]})
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(5)], rtol=1e-8)
            np.testing.assert_allclose(c["mean_test_score"], res["mean_test_score"][i], rtol=1e-8)
            np.testing.assert_allclose(c["std_test_score"], res["std_test_score"][i], rtol=1e-6, atol=1e-12)
            self.assertEqual(c["rank_test_score"], res["rank_test_score"][i])
        self.assertEqual(d["best_params"], gs.best_params_)
        np.testing.assert_allclose(d["best_score"], gs.best_score_, rtol=1e-8)
        np.testing.assert_allclose(d["coef"], gs.best_estimator_.coef_, rtol=1e-8)
        np.testing.assert_allclose(d["intercept"], gs.best_estimator_.intercept_, rtol=1e-8)
        self.assertEqual(d["passes"], 1)
        return d, out


class RidgeSearch(RidgeData):
    def test_neg_mean_squared_error_matches_gridsearchcv(self):
        d, out = self.check_against_sklearn("neg_mean_squared_error")
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["mean_test_score"][:], [c["mean_test_score"] for c in d["cv_results"]])
            np.testing.assert_array_equal(f["param_alpha"][:], ALPHAS)
            np.testing.assert_array_equal(f["coef"][:], d["coef"])
        with open(self.path("search.csv")) as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), len(ALPHAS))
        self.assertEqual(float(rows[2]["mean_test_score"]), d["cv_results"][2]["mean_test_score"])

    def test_r2_matches_gridsearchcv(self):
        self.check_against_sklearn("r2")

    def test_logspace_grid_and_bit_identical_results_on_1_2_3_5_ranks(self):
        runs = [self.run_search("r2", ranks=n, grid="{ alpha = { logspace = [-3, 3, 7] } }")[0] for n in (1, 2, 3, 5)]
        np.testing.assert_allclose([c["params"]["alpha"] for c in runs[0]["cv_results"]], np.logspace(-3, 3, 7), rtol=1e-15)
        for d in runs[1:]:
            self.assertEqual(d["cv_results"], [dict(c, fit_seconds=x["fit_seconds"]) for c, x in zip(runs[0]["cv_results"], d["cv_results"])])
            self.assertEqual(d["coef"], runs[0]["coef"])

    def test_shuffled_folds_are_seeded_and_independent_of_rank_count(self):
        a = self.run_search("r2", ranks=2, extra="shuffle = true\nseed = 3\n")[0]
        b = self.run_search("r2", ranks=5, extra="shuffle = true\nseed = 3\n")[0]
        c = self.run_search("r2", ranks=2, extra="shuffle = true\nseed = 4\n")[0]
        plain = self.run_search("r2", ranks=2)[0]
        scores = lambda d: [c["split_test_scores"] for c in d["cv_results"]]
        self.assertEqual(scores(a), scores(b))
        self.assertNotEqual(scores(a), scores(c))
        self.assertNotEqual(scores(a), scores(plain))


class PcaRidgeSearch(RidgeData):
    """Pipeline(PCA, Ridge): one eigen-decomposition per fold serves every n_components."""

    def test_pipeline_grid_matches_gridsearchcv(self):
        from sklearn.decomposition import PCA
        from sklearn.pipeline import Pipeline
        d, _ = self.run_search("neg_mean_squared_error",
                               grid='{ alpha = [0.1, 100.0], "pca.n_components" = [1, 3, 6] }')
        pipe = Pipeline([("pca", PCA(svd_solver="full")), ("ridge", Ridge())])
        gs = GridSearchCV(pipe, {"pca__n_components": [1, 3, 6], "ridge__alpha": [0.1, 100.0]}, cv=KFold(5),
                          scoring="neg_mean_squared_error").fit(self.X, self.y)
        res = gs.cv_results_
        for c in d["cv_results"]:  # match candidates by their parameters (the two orders differ)
            i = next(j for j, p in enumerate(res["params"])
                     if p["pca__n_components"] == c["params"]["pca.n_components"] and p["ridge__alpha"] == c["params"]["alpha"])
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(5)], rtol=1e-8)
            self.assertEqual(c["rank_test_score"], res["rank_test_score"][i])
        self.assertEqual(d["best_params"], {"alpha": gs.best_params_["ridge__alpha"],
                                            "pca.n_components": gs.best_params_["pca__n_components"]})
        np.testing.assert_allclose(d["best_score"], gs.best_score_, rtol=1e-8)
        best = gs.best_estimator_
        coef = best.named_steps["pca"].components_.T @ best.named_steps["ridge"].coef_
        np.testing.assert_allclose(d["coef"], coef, rtol=1e-8, atol=1e-12)


class SearchBadInput(TempDirTest):
    def setUp(self):
        super().setUp()
        self.data = self.path("d.h5")
        rng = np.random.default_rng(1)
        with h5py.File(self.data, "w") as f:
            f["X"] = rng.normal(size=(40, 3))
            f["y"] = rng.normal(size=40)

    def bad(self, model_extra="", cv="folds = 5", search='grid = { alpha = [1.0] }'):
        out = self.path("o.h5")
        job = self.path("j.toml")
        with open(job, "w") as f:
            f.write(f'[data]\npath = "{self.data}"\n[model]\ntype = "ridge"\n{model_extra}\n[output]\npath = "{out}"\n'
                    f'[cv]\n{cv}\n[search]\n{search}\n')
        line = self.run_bad_job(job, out)
        self.assertFalse(os.path.exists(self.path("o.csv")))
        return line

    def test_empty_grid(self):
        self.assertIn("grid is empty", self.bad(search="grid = {}"))
        self.assertIn("grid alpha is empty", self.bad(search="grid = { alpha = [] }"))

    def test_folds_out_of_range(self):
        self.assertIn("folds must be at least 2, got 1", self.bad(cv="folds = 1"))
        self.assertIn("folds (41) cannot exceed the number of rows (40)", self.bad(cv="folds = 41"))

    def test_unknown_scoring_suggests(self):
        self.assertIn("did you mean 'r2'", self.bad(search='grid = { alpha = [1.0] }\nscoring = "r3"'))
        self.assertIn("is for classifiers", self.bad(search='grid = { alpha = [1.0] }\nscoring = "accuracy"'))

    def test_negative_penalty(self):
        self.assertIn("must be finite and not negative, got -1", self.bad(search="grid = { alpha = [1.0, -1.0] }"))
        self.assertIn("alpha must be finite and not negative, got -2", self.bad(model_extra="alpha = -2.0"))

    def test_pca_components_beyond_the_features(self):
        self.assertIn("n_components (4) exceeds the number of features", self.bad(search='grid = { "pca.n_components" = [1, 4] }'))
        self.assertIn("n_components must be at least 1", self.bad(model_extra="[model.pca]\nn_components = 0"))

    def test_unknown_grid_parameter_suggests(self):
        self.assertIn("did you mean 'alpha'", self.bad(search="grid = { alpah = [1.0] }"))
