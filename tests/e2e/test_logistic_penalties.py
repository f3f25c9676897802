"""L1 and elastic-net logistic regression through the tessera binary: against scikit-learn's
LogisticRegression(solver="saga") solved tightly, against the optimality (KKT) conditions of the
objective checked directly in numpy, through GridSearchCV on the same folds, after PCA, on any
rank count, and the bad inputs."""
import warnings

import h5py
import numpy as np
from sklearn.decomposition import PCA
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline

from tessera_e2e import TempDirTest, last_json, tessera


def saga(**kw):
    return LogisticRegression(solver="saga", tol=1e-10, max_iter=200000, **kw)


def fit_quietly(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


class PenaltyData(TempDirTest):
    """Binary data with some irrelevant columns (the L1 penalty sets them to zero), in chunks of 250
    rows, so folds do not align with chunks."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(3)
        n = 1501
        self.X = rng.normal(size=(n, 7)) * [1, 0.5, 1.5, 1, 0.8, 1.2, 1] + [0.5, 0, -1, 0, 0.3, 0, 1]
        z = self.X @ [1.2, 0, -0.8, 0, 0.5, 0, 0] + 0.4
        self.y = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(float)
        self.data = self.path("d.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(250, 7))
            f["y"] = self.y

    def fit(self, model, extra="", ranks=3):
        out = self.path("out.h5")
        job = self.write_job("j.toml", {"path": self.data}, {"type": "logistic", "tol": 1e-10, **model},
                             {"path": out, "overwrite": True}, extra=extra)
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout)

    def assertKkt(self, w, b, l1, l2, fit_intercept):
        """0 is in the subgradient of Σ log-loss + l1‖w‖₁ + l2‖w‖²/2 (scikit-learn's objective over C)."""
        p = 1 / (1 + np.exp(-(self.X @ w + b)))
        if fit_intercept:
            self.assertAlmostEqual((p - self.y).sum(), 0, delta=1e-6)
        smooth = self.X.T @ (p - self.y) + l2 * w
        active = w != 0
        np.testing.assert_allclose(smooth[active], -l1 * np.sign(w[active]), atol=1e-6)
        self.assertTrue(np.all(np.abs(smooth[~active]) <= l1 + 1e-6), smooth[~active])


class SingleFits(PenaltyData):
    def test_matches_saga_and_the_kkt_conditions(self):
        for penalty, C, l1_ratio, intercept in (("l1", 0.05, None, True), ("l1", 1.0, None, True), ("l1", 0.02, None, False),
                                                ("elasticnet", 0.1, 0.5, True), ("elasticnet", 0.5, 0.9, False)):
            with self.subTest(penalty=penalty, C=C, l1_ratio=l1_ratio, fit_intercept=intercept):
                model = {"penalty": penalty, "C": C, "fit_intercept": intercept}
                if l1_ratio is not None:
                    model["l1_ratio"] = l1_ratio
                d = self.fit(model)
                sk = fit_quietly(saga(penalty=penalty, C=C, l1_ratio=l1_ratio, fit_intercept=intercept), self.X, self.y)
                np.testing.assert_allclose(d["coef"], sk.coef_[0], rtol=1e-5, atol=1e-6)
                np.testing.assert_allclose(d["intercept"], sk.intercept_[0], rtol=1e-5, atol=1e-6)
                ratio = 1.0 if penalty == "l1" else l1_ratio
                self.assertKkt(np.array(d["coef"]), d["intercept"], ratio / C, (1 - ratio) / C, intercept)
        # A strong L1 penalty zeroes the irrelevant columns exactly.
        d = self.fit({"penalty": "l1", "C": 0.01})
        self.assertIn(0.0, d["coef"])

    def test_bit_identical_on_1_2_3_and_5_ranks(self):
        fits = [self.fit({"penalty": "elasticnet", "C": 0.1, "l1_ratio": 0.7}, ranks=ranks) for ranks in (1, 2, 3, 5)]
        for other in fits[1:]:
            self.assertEqual((other["coef"], other["intercept"]), (fits[0]["coef"], fits[0]["intercept"]))


class Searches(PenaltyData):
    def test_elasticnet_grid_matches_gridsearchcv(self):
        Cs, ratios = [0.01, 0.1, 1.0], [0.2, 0.8]
        d = self.fit({"penalty": "elasticnet"},
                     extra=f'[cv]\nfolds = 3\n[search]\ngrid = {{ C = {Cs}, l1_ratio = {ratios} }}\nscoring = "neg_log_loss"\n')
        gs = fit_quietly(GridSearchCV(saga(penalty="elasticnet"), {"C": Cs, "l1_ratio": ratios}, cv=KFold(3),
                                      scoring="neg_log_loss"), self.X, self.y)
        res = gs.cv_results_
        for c in d["cv_results"]:
            i = next(i for i, p in enumerate(res["params"]) if p == c["params"])
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(3)], rtol=1e-6)
        self.assertEqual(d["best_params"], gs.best_params_)
        np.testing.assert_allclose(d["coef"], gs.best_estimator_.coef_[0], rtol=1e-5, atol=1e-6)

    def test_penalty_grid_matches_gridsearchcv_and_names_the_penalty(self):
        Cs = [0.01, 0.3, 10.0]
        d = self.fit({}, extra=f'[cv]\nfolds = 3\n[search]\ngrid = {{ C = {Cs}, penalty = ["l1", "l2"] }}\n'
                               'scoring = "neg_log_loss"\n')
        gs = fit_quietly(GridSearchCV(saga(), {"C": Cs, "penalty": ["l1", "l2"]}, cv=KFold(3), scoring="neg_log_loss"),
                         self.X, self.y)
        res = gs.cv_results_
        self.assertEqual([c["params"] for c in d["cv_results"]], list(res["params"]))
        for i, c in enumerate(d["cv_results"]):
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(3)], rtol=1e-6)
            self.assertEqual(c["rank_test_score"], res["rank_test_score"][i])
        self.assertEqual(d["best_params"], gs.best_params_)
        np.testing.assert_allclose(d["coef"], gs.best_estimator_.coef_[0], rtol=1e-5, atol=1e-6)
        with h5py.File(self.path("out.h5")) as f:
            self.assertEqual([v.decode() for v in f["param_penalty"][:]], [p["penalty"] for p in res["params"]])
            self.assertEqual(f["penalty"][()].decode(), gs.best_params_["penalty"])
        with open(self.path("out.csv")) as f:
            header, first = f.readline().strip().split(","), f.readline().strip().split(",")
        self.assertEqual(first[header.index("param_penalty")], "l1")

    def test_l1_after_pca_matches_the_pipeline(self):
        d = self.fit({"penalty": "l1", "C": 0.05}, extra="[model.pca]\nn_components = 4\n[cv]\nfolds = 3\n")
        pipe = Pipeline([("pca", PCA(4)), ("logistic", saga(penalty="l1", C=0.05))])
        gs = fit_quietly(GridSearchCV(pipe, {"logistic__C": [0.05]}, cv=KFold(3), scoring="accuracy"), self.X, self.y)
        np.testing.assert_allclose(d["cv_results"][0]["split_test_scores"],
                                   [gs.cv_results_[f"split{k}_test_score"][0] for k in range(3)], rtol=1e-6)
        best = gs.best_estimator_
        coef = best["pca"].components_.T @ best["logistic"].coef_[0]
        np.testing.assert_allclose(d["coef"], coef, rtol=1e-5, atol=1e-6)


class BadInput(PenaltyData):
    def refused(self, model, extra, *fragments):
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": self.data}, {"type": "logistic", **model}, {"path": out}, extra=extra)
        line = self.run_bad_job(job, out)
        for fragment in fragments:
            self.assertIn(fragment, line)

    def test_each_is_one_line_and_exit_2(self):
        self.refused({"penalty": "l3"}, "", "unknown penalty 'l3'", "l1")
        self.refused({"penalty": "elasticnet"}, "", "needs l1_ratio")
        self.refused({"penalty": "l1", "l1_ratio": 0.5}, "", "l1_ratio applies to penalty = \"elasticnet\" only")
        self.refused({"penalty": "elasticnet", "l1_ratio": 1.5}, "", "l1_ratio")
        self.refused({"penalty": "elasticnet"}, "[cv]\nfolds = 3\n[search]\ngrid = { l1_ratio = [0.5, -0.1] }\n", "l1_ratio")
        self.refused({}, "[cv]\nfolds = 3\n[search]\ngrid = { l1_ratio = [0.5] }\n", "l1_ratio applies")
        self.refused({}, '[cv]\nfolds = 3\n[search]\ngrid = { penalty = ["l1", "elasticnett"] }\n', "unknown penalty 'elasticnett'",
                     "did you mean 'elasticnet'")
        self.refused({}, '[cv]\nfolds = 3\n[search]\ngrid = { penalty = ["l1", "elasticnet"] }\n', "needs l1_ratio")
        self.refused({}, "[cv]\nfolds = 3\n[search]\ngrid = { penalty = [1, 2] }\n", "must be a name")
