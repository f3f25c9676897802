"""Logistic regression through the tessera binary: every (fold, C) model fitted by batched passes,
against scikit-learn's GridSearchCV — which refits every pair from the data — with LogisticRegression
solved tightly (newton-cholesky, tol 1e-12), so both sit at the optimum of the same objective."""
import os

import h5py
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline

from tessera_e2e import TempDirTest, last_json, tessera

CS = [0.001, 0.03, 1.0, 30.0, 1000.0]
CHUNK = 300


def tight():
    return LogisticRegression(solver="newton-cholesky", tol=1e-12, max_iter=1000)


class LogisticData(TempDirTest):
    """Binary data in an HDF5 file (chunks of 300 rows, so folds do not align with chunks)."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(11)
        self.X = rng.normal(size=(2003, 6)) * [1, 2, 3, 0.5, 1, 4] + [1, 0, -3, 2, 0, 5]
        z = self.X @ (rng.normal(size=6) * 0.5) - 1.2
        self.y = (rng.random(2003) < 1 / (1 + np.exp(-z))).astype(float)
        self.data = self.path("d.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(CHUNK, 6))
            f["y"] = self.y

    def run_search(self, scoring, ranks=3, extra="", grid=None, model=None):
        grid = grid or "{ C = [" + ", ".join(map(repr, CS)) + "] }"
        out = self.path("search.h5")
        job = self.write_job("j.toml", {"path": self.data}, model or {"type": "logistic"}, {"path": out, "overwrite": True},
                             extra=f'[cv]\nfolds = 5\n{extra}[search]\ngrid = {grid}\nscoring = "{scoring}"\n')
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out

    def check_against_sklearn(self, scoring):
        d, out = self.run_search(scoring)
        gs = GridSearchCV(tight(), {"C": CS}, cv=KFold(5), scoring=scoring).fit(self.X, self.y)
        res = gs.cv_results_
        for i, c in enumerate(d["cv_results"]):
            self.assertEqual(c["params"], {"C": CS[i]})
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(5)], rtol=1e-6)
            np.testing.assert_allclose(c["mean_test_score"], res["mean_test_score"][i], rtol=1e-6)
            self.assertEqual(c["rank_test_score"], res["rank_test_score"][i])
        self.assertEqual(d["best_params"], gs.best_params_)
        np.testing.assert_allclose(d["best_score"], gs.best_score_, rtol=1e-6)
        np.testing.assert_allclose(d["coef"], gs.best_estimator_.coef_[0], rtol=1e-6)
        np.testing.assert_allclose(d["intercept"], gs.best_estimator_.intercept_[0], rtol=1e-6)
        return d, out


class LogisticSearch(LogisticData):
    def test_accuracy_matches_gridsearchcv_and_results_are_written(self):
        d, out = self.check_against_sklearn("accuracy")
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["mean_test_score"][:], [c["mean_test_score"] for c in d["cv_results"]])
            np.testing.assert_array_equal(f["param_C"][:], CS)
            np.testing.assert_array_equal(f["coef"][:], d["coef"])
            self.assertEqual(f["converged"][()], 1)
        self.assertTrue(os.path.exists(self.path("search.csv")))

    def test_neg_log_loss_matches_gridsearchcv(self):
        self.check_against_sklearn("neg_log_loss")

    def test_roc_auc_matches_gridsearchcv(self):
        d, _ = self.check_against_sklearn("roc_auc")
        self.assertGreater(d["passes"], 2)  # the ranking needs the decision values: one pass more

    def test_f1_matches_gridsearchcv(self):
        self.check_against_sklearn("f1")

    def test_every_model_reports_iterations_and_convergence(self):
        d, _ = self.run_search("accuracy")
        self.assertEqual(len(d["models"]), 5 * len(CS) + 1)  # every (fold, C) pair and the refit
        self.assertEqual(d["models"][-1]["fold"], "all")
        self.assertTrue(all(m["converged"] and 0 < m["iterations"] < 15 for m in d["models"]))
        self.assertEqual(d["models_not_converged"], 0)

    def test_passes_serve_every_model_and_the_held_reads_are_deduplicated(self):
        d, _ = self.run_search("accuracy")
        chunks = -(-2003 // CHUNK)
        # Pass 1 reads; later passes re-submit the same read tasks, which collapse into the held ones.
        self.assertEqual(d["tasks_deduplicated"], 2 * chunks * (d["passes"] - 1))
        self.assertLessEqual(d["passes"], 1 + max(m["iterations"] for m in d["models"] if m["fold"] != "all") + 1
                             + d["models"][-1]["iterations"] + 1)

    def test_bit_identical_results_on_1_2_3_5_ranks(self):
        runs = [self.run_search("neg_log_loss", ranks=n)[0] for n in (1, 2, 3, 5)]
        for d in runs[1:]:
            self.assertEqual([(c["split_test_scores"], c["rank_test_score"]) for c in d["cv_results"]],
                             [(c["split_test_scores"], c["rank_test_score"]) for c in runs[0]["cv_results"]])
            self.assertEqual((d["coef"], d["intercept"]), (runs[0]["coef"], runs[0]["intercept"]))

    def test_shuffled_folds_are_seeded_and_independent_of_rank_count(self):
        a = self.run_search("neg_log_loss", extra="shuffle = true\nseed = 5\n", ranks=2)[0]
        b = self.run_search("neg_log_loss", extra="shuffle = true\nseed = 5\n", ranks=5)[0]
        plain = self.run_search("neg_log_loss", ranks=2)[0]
        scores = lambda d: [c["split_test_scores"] for c in d["cv_results"]]
        self.assertEqual(scores(a), scores(b))
        self.assertNotEqual(scores(a), scores(plain))


class SampledHessian(TempDirTest):
    """Above 131,072 rows the Hessian is measured on every s-th row (s >= 2): the answers must not change."""

    def test_search_on_a_sampled_hessian_matches_gridsearchcv(self):
        rng = np.random.default_rng(12)
        n = 140_001
        X = rng.normal(size=(n, 3)) * [1, 3, 0.5] + [0, 1, -2]
        y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [0.8, -0.4, 1.5] + 0.7)))).astype(float)
        data = self.path("big.h5")
        with h5py.File(data, "w") as f:
            f.create_dataset("X", data=X, chunks=(10007, 3))  # chunks do not align with the sample stride
            f["y"] = y
        job = self.write_job("j.toml", {"path": data}, {"type": "logistic"}, {"path": self.path("o.h5")},
                             extra='[cv]\nfolds = 3\n[search]\ngrid = { C = [0.001, 10.0] }\nscoring = "neg_log_loss"\n')
        r = tessera(["run", job, "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = last_json(r.stdout)
        gs = GridSearchCV(tight(), {"C": [0.001, 10.0]}, cv=KFold(3), scoring="neg_log_loss").fit(X, y)
        for i, c in enumerate(d["cv_results"]):
            np.testing.assert_allclose(c["split_test_scores"], [gs.cv_results_[f"split{k}_test_score"][i] for k in range(3)],
                                       rtol=1e-6)
        np.testing.assert_allclose(d["coef"], gs.best_estimator_.coef_[0], rtol=1e-6)
        self.assertTrue(all(m["converged"] for m in d["models"]))


class PcaLogisticSearch(LogisticData):
    def test_pipeline_grid_matches_gridsearchcv(self):
        d, _ = self.run_search("neg_log_loss", grid='{ "logistic.C" = [0.01, 10.0], "pca.n_components" = [1, 3, 6] }')
        pipe = Pipeline([("pca", PCA(svd_solver="full")), ("logistic", tight())])
        gs = GridSearchCV(pipe, {"pca__n_components": [1, 3, 6], "logistic__C": [0.01, 10.0]}, cv=KFold(5),
                          scoring="neg_log_loss").fit(self.X, self.y)
        res = gs.cv_results_
        for c in d["cv_results"]:
            i = next(j for j, p in enumerate(res["params"])
                     if p["pca__n_components"] == c["params"]["pca.n_components"] and p["logistic__C"] == c["params"]["C"])
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(5)], rtol=1e-6)
            self.assertEqual(c["rank_test_score"], res["rank_test_score"][i])
        self.assertEqual(d["best_params"], {"C": gs.best_params_["logistic__C"],
                                            "pca.n_components": gs.best_params_["pca__n_components"]})
        best = gs.best_estimator_
        coef = best.named_steps["pca"].components_.T @ best.named_steps["logistic"].coef_[0]
        np.testing.assert_allclose(d["coef"], coef, rtol=1e-6, atol=1e-9)


class LogisticFit(LogisticData):
    def test_plain_fit_matches_logisticregression(self):
        out = self.path("fit.h5")
        job = self.write_job("f.toml", {"path": self.data}, {"type": "logistic", "C": 0.5}, {"path": out})
        r = tessera(["run", job, "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        d = last_json(r.stdout)
        ref = tight().set_params(C=0.5).fit(self.X, self.y)
        np.testing.assert_allclose(d["coef"], ref.coef_[0], rtol=1e-7)
        np.testing.assert_allclose(d["intercept"], ref.intercept_[0], rtol=1e-7)
        self.assertTrue(d["converged"])

    def test_no_intercept_matches_logisticregression(self):
        out = self.path("fit.h5")
        job = self.write_job("f.toml", {"path": self.data}, {"type": "logistic", "C": 2.0, "fit_intercept": False}, {"path": out})
        r = tessera(["run", job, "--json"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        ref = tight().set_params(C=2.0, fit_intercept=False).fit(self.X, self.y)
        np.testing.assert_allclose(last_json(r.stdout)["coef"], ref.coef_[0], rtol=1e-7)
        self.assertEqual(last_json(r.stdout)["intercept"], 0)

    def test_non_convergence_is_a_warning_not_an_error(self):
        out = self.path("fit.h5")
        job = self.write_job("f.toml", {"path": self.data}, {"type": "logistic", "max_iter": 1, "tol": 1e-14}, {"path": out})
        r = tessera(["run", job, "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(last_json(r.stdout)["converged"])
        self.assertIn("did not converge in 1 Newton steps", r.stderr)
        with h5py.File(out) as f:
            self.assertEqual(f["converged"][()], 0)


class LogisticBadInput(TempDirTest):
    def setUp(self):
        super().setUp()
        self.data = self.path("d.h5")
        rng = np.random.default_rng(1)
        y = (rng.random(40) < 0.5).astype(float)
        y[17] = 0.5
        with h5py.File(self.data, "w") as f:
            f["X"] = rng.normal(size=(40, 3))
            f["y"] = y
            f["y_ok"] = (y > 0.4).astype(float)
            f["y_one"] = np.zeros(40)
            f["y_late"] = (np.arange(40) >= 32).astype(float)  # ones only in the last fold

    def bad(self, model_extra="", target="y_ok", search="grid = { C = [1.0] }", cv="folds = 5"):
        out = self.path("o.h5")
        job = self.path("j.toml")
        with open(job, "w") as f:
            f.write(f'[data]\npath = "{self.data}"\ntarget = "{target}"\n[model]\ntype = "logistic"\n{model_extra}\n'
                    f'[output]\npath = "{out}"\n[cv]\n{cv}\n[search]\n{search}\n')
        line = self.run_bad_job(job, out)
        self.assertFalse(os.path.exists(self.path("o.csv")))
        return line

    def test_non_binary_target_names_the_row(self):
        self.assertIn(f"{self.data}:y has more than two values (row 0 is 0, row 2 is 1, row 17 is 0.5): logistic regression "
                      "needs a binary target", self.bad(target="y"))

    def test_a_single_class_has_no_optimum(self):
        self.assertIn(f"{self.data}:y_one holds only class 0 (40 rows): logistic regression needs both classes",
                      self.bad(target="y_one"))
        self.assertIn(f"{self.data}:y_late holds only class 0 in the training rows of fold 4 (32 rows)",
                      self.bad(target="y_late"))

    def test_penalty_must_be_positive(self):
        self.assertIn("C must be positive", self.bad(model_extra="C = 0.0"))
        self.assertIn("C must be positive", self.bad(search="grid = { C = [1.0, -1.0] }"))

    def test_scoring_for_regressors_or_unknown(self):
        self.assertIn("'r2' is for regressors", self.bad(search='grid = { C = [1.0] }\nscoring = "r2"'))
        self.assertIn("did you mean 'roc_auc'", self.bad(search='grid = { C = [1.0] }\nscoring = "roc_aux"'))

    def test_grid_parameter_of_another_model(self):
        self.assertIn("'alpha' is not a parameter of logistic", self.bad(search="grid = { alpha = [1.0] }"))

    def test_empty_grid_and_folds(self):
        self.assertIn("grid C is empty", self.bad(search="grid = { C = [] }"))
        self.assertIn("folds (41) cannot exceed the number of rows (40)", self.bad(cv="folds = 41"))

    def test_pca_components_beyond_the_features(self):
        self.assertIn("n_components (4) exceeds the number of features", self.bad(search='grid = { "pca.n_components" = [4] }'))
