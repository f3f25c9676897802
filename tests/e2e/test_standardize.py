"""`standardize = true` for ridge (and its PCA pipeline), elastic net and the lasso, through the
tessera binary, against scikit-learn's Pipeline(StandardScaler(), ...) on the same folds:
split scores, the refit's coefficients on the original scale, and predictions."""
import h5py
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import ElasticNet, Lasso, Ridge
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from tessera_e2e import TempDirTest, last_json, tessera
from test_predict import tight_logistic

TIGHT = {"tol": 1e-12, "max_iter": 100000}


class StandardizeData(TempDirTest):
    """Features on very different scales (standardizing changes every penalised fit), in chunks
    of 300 rows, and a file to predict for."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(21)
        n = 1501
        self.X = rng.normal(size=(n, 6)) * [0.01, 1, 100, 5, 0.3, 20] + [5, -2, 300, 0, 1, -40]
        self.y = self.X @ [40, 1, 0.02, -0.3, 2, 0.05] + 1 + rng.normal(size=n)
        self.label = (self.y > np.median(self.y)).astype(float)
        self.Xn = rng.normal(size=(200, 6)) * [0.01, 1, 100, 5, 0.3, 20]
        self.data, self.new = self.path("d.h5"), self.path("new.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(300, 6))
            f["y"] = self.y
            f["label"] = (self.y > np.median(self.y)).astype(float)
            constant = self.X.copy()
            constant[:, 2] = 7.0
            f["constant"] = constant
        with h5py.File(self.new, "w") as f:
            f["X"] = self.Xn

    def fit_job(self, model, extra="", ranks=3, name="out.h5", target="y"):
        out = self.path(name)
        job = self.write_job("j.toml", {"path": self.data, "target": target}, {**model, "standardize": True},
                             {"path": out, "overwrite": True}, extra=extra)
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out

    def assertSearchMatches(self, d, gs, names, rtol=1e-7):
        """Every candidate's split scores (tessera's parameter names -> the pipeline's), the best
        parameters, and the refit's coefficients on the original scale."""
        res = gs.cv_results_
        for c in d["cv_results"]:
            i = next(i for i, p in enumerate(res["params"]) if all(p[names[k]] == v for k, v in c["params"].items()))
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(5)],
                                       rtol=rtol, atol=1e-10)
        self.assertEqual({names[k]: v for k, v in d["best_params"].items()}, gs.best_params_)
        best = gs.best_estimator_
        # The pipeline as one linear model of the original features: its predictions (a
        # classifier's decision values) at 0 and at the unit vectors.
        predict = best.decision_function if hasattr(best, "decision_function") else best.predict
        intercept = predict(np.zeros((1, 6)))[0]
        coef = predict(np.eye(6)) - intercept
        np.testing.assert_allclose(d["coef"], coef, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(d["intercept"], intercept, rtol=1e-6, atol=1e-9)


class Standardized(StandardizeData):
    def test_ridge_and_its_pca_pipeline(self):
        for intercept in (True, False):
            with self.subTest(fit_intercept=intercept):
                d, _ = self.fit_job({"type": "ridge", "fit_intercept": intercept},
                                    extra='[cv]\nfolds = 5\n[search]\ngrid = { alpha = [0.1, 30.0, 1000.0], '
                                          '"pca.n_components" = [2, 6] }\n')
                pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA(svd_solver="full")),
                                 ("ridge", Ridge(fit_intercept=intercept))])
                gs = GridSearchCV(pipe, {"ridge__alpha": [0.1, 30.0, 1000.0], "pca__n_components": [2, 6]},
                                  cv=KFold(5)).fit(self.X, self.y)
                self.assertSearchMatches(d, gs, {"alpha": "ridge__alpha", "pca.n_components": "pca__n_components"})
        d, _ = self.fit_job({"type": "ridge", "alpha": 50.0}, extra="[cv]\nfolds = 5\n")
        gs = GridSearchCV(Pipeline([("scale", StandardScaler()), ("ridge", Ridge())]), {"ridge__alpha": [50.0]},
                          cv=KFold(5)).fit(self.X, self.y)
        self.assertSearchMatches(d, gs, {"alpha": "ridge__alpha"})

    def test_logistic_and_its_pca_pipeline(self):
        for intercept in (True, False):
            with self.subTest(fit_intercept=intercept):
                d, _ = self.fit_job({"type": "logistic", "fit_intercept": intercept, "tol": 1e-10}, target="label",
                                    extra='[cv]\nfolds = 5\n[search]\ngrid = { C = [0.01, 1.0], "pca.n_components" = [3, 6] }\n'
                                          'scoring = "neg_log_loss"\n')
                pipe = Pipeline([("scale", StandardScaler()), ("pca", PCA(svd_solver="full")),
                                 ("lr", tight_logistic(fit_intercept=intercept))])
                gs = GridSearchCV(pipe, {"lr__C": [0.01, 1.0], "pca__n_components": [3, 6]}, cv=KFold(5),
                                  scoring="neg_log_loss").fit(self.X, self.label)
                self.assertSearchMatches(d, gs, {"C": "lr__C", "pca.n_components": "pca__n_components"}, rtol=1e-6)
        d, _ = self.fit_job({"type": "logistic", "C": 0.05, "tol": 1e-10}, target="label", extra="[cv]\nfolds = 5\n")
        gs = GridSearchCV(Pipeline([("scale", StandardScaler()), ("lr", tight_logistic())]), {"lr__C": [0.05]},
                          cv=KFold(5)).fit(self.X, self.label)
        self.assertSearchMatches(d, gs, {"C": "lr__C"}, rtol=1e-6)

    def test_elastic_net_search(self):
        d, out = self.fit_job({"type": "elastic_net", **TIGHT},
                              extra="[cv]\nfolds = 5\n[search]\ngrid = { alpha = [0.001, 0.05, 1.0], l1_ratio = [0.2, 0.9] }\n")
        pipe = Pipeline([("scale", StandardScaler()), ("enet", ElasticNet(**TIGHT))])
        gs = GridSearchCV(pipe, {"enet__alpha": [0.001, 0.05, 1.0], "enet__l1_ratio": [0.2, 0.9]},
                          cv=KFold(5)).fit(self.X, self.y)
        self.assertSearchMatches(d, gs, {"alpha": "enet__alpha", "l1_ratio": "enet__l1_ratio"})
        # The path on all rows is on the original scale too.
        with h5py.File(out) as f:
            line = list(f["path/l1_ratio"][:]).index(0.9)
            for a, alpha in enumerate(f["path/alpha"][line]):
                sk = Pipeline([("scale", StandardScaler()), ("enet", ElasticNet(alpha=alpha, l1_ratio=0.9, **TIGHT))])
                sk.fit(self.X, self.y)
                np.testing.assert_allclose(f["path/coef"][line, a], sk.named_steps["enet"].coef_ / sk.named_steps["scale"].scale_,
                                           rtol=1e-6, atol=1e-9)

    def test_lasso_fit_predicts_as_the_pipeline_on_any_rank_count(self):
        sk = Pipeline([("scale", StandardScaler()), ("lasso", Lasso(alpha=0.3, **TIGHT))]).fit(self.X, self.y)
        runs = []
        for ranks in (1, 2, 3, 5):
            d, out = self.fit_job({"type": "lasso", "alpha": 0.3, **TIGHT}, extra=f'[predict]\npath = "{self.new}"\n',
                                  ranks=ranks, name=f"out{ranks}.h5")
            with h5py.File(out) as f:
                runs.append({k: f[k][()] for k in ("coef", "intercept", "predictions")})
        for r in runs[1:]:
            for k in runs[0]:
                np.testing.assert_array_equal(r[k], runs[0][k], err_msg=k)
        np.testing.assert_allclose(runs[0]["predictions"], sk.predict(self.Xn), rtol=1e-8, atol=1e-8)
        np.testing.assert_allclose(runs[0]["coef"], sk.named_steps["lasso"].coef_ / sk.named_steps["scale"].scale_,
                                   rtol=1e-6, atol=1e-9)


class BadInput(StandardizeData):
    def test_a_constant_column_is_named(self):
        for model, extra, rows in (({"type": "ridge"}, "", "all rows of"), ({"type": "elastic_net"}, "[cv]\nfolds = 3\n", "fold 0"),
                                   ({"type": "lasso"}, "", "all rows of"), ({"type": "logistic"}, "[cv]\nfolds = 3\n", "fold 0")):
            with self.subTest(model=model["type"]):
                out = self.path("bad.h5")
                target = "label" if model["type"] == "logistic" else "y"
                job = self.write_job("bad.toml", {"path": self.data, "features": "constant", "target": target},
                                     {**model, "standardize": True},
                                     {"path": out}, extra=extra)
                line = self.run_bad_job(job, out)
                self.assertIn("standardize: column x2 is constant in", line)
                self.assertIn(rows, line)
