"""The elastic_net and lasso jobs through the tessera binary, against scikit-learn's ElasticNet,
Lasso, ElasticNetCV, enet_path and GridSearchCV on the same folds, and against the optimality
(KKT) conditions of the objective checked directly in numpy."""
import h5py
import numpy as np
from sklearn.linear_model import ElasticNet, ElasticNetCV, Lasso, Ridge, enet_path
from sklearn.model_selection import GridSearchCV, KFold

from tessera_e2e import TempDirTest, last_json, tessera

TIGHT = {"tol": 1e-12, "max_iter": 100000}


class ElasticNetData(TempDirTest):
    """Regression data with sparse true coefficients and two correlated columns, in chunks of 300
    rows (folds do not align with chunks)."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(11)
        n = 2003
        self.X = rng.normal(size=(n, 8)) * [1, 2, 3, 0.5, 1, 4, 1, 1] + [1, 0, -3, 2, 0, 5, 0, 0]
        self.X[:, 7] = 0.9 * self.X[:, 6] + 0.1 * rng.normal(size=n)
        self.y = self.X @ [1.5, 0, 0, -2, 0, 0.3, 1, 0] + 3 + rng.normal(scale=2, size=n)
        self.data = self.path("d.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(300, 8))
            f["y"] = self.y
        self.new = self.path("new.h5")
        self.Xn = rng.normal(size=(500, 8))
        with h5py.File(self.new, "w") as f:
            f["X"] = self.Xn

    def fit_job(self, model, extra="", ranks=3, name="out.h5"):
        out = self.path(name)
        job = self.write_job("j.toml", {"path": self.data}, model, {"path": out, "overwrite": True}, extra=extra)
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out


class SingleFits(ElasticNetData):
    def test_matches_elasticnet_and_the_kkt_conditions(self):
        for alpha, l1_ratio, intercept in ((0.1, 0.7, True), (0.5, 0.2, True), (0.05, 0.9, False), (0.0, 0.5, True)):
            with self.subTest(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=intercept):
                d, out = self.fit_job({"type": "elastic_net", "alpha": alpha, "l1_ratio": l1_ratio,
                                   "fit_intercept": intercept, **TIGHT})
                sk = ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=intercept, **TIGHT).fit(self.X, self.y)
                np.testing.assert_allclose(d["coef"], sk.coef_, rtol=1e-6, atol=1e-9)
                np.testing.assert_allclose(d["intercept"], sk.intercept_, rtol=1e-6, atol=1e-9)
                self.assertTrue(d["converged"])
                self.assertKkt(np.array(d["coef"]), d["intercept"], alpha, l1_ratio, intercept)
                with h5py.File(out) as f:
                    np.testing.assert_array_equal(f["coef"][:], d["coef"])
                    self.assertEqual(f["n_iter"][()], d["n_iter"])

    def assertKkt(self, w, b, alpha, l1_ratio, fit_intercept):
        """The subgradient of 1/(2n)‖y − Xw − b‖² + αρ‖w‖₁ + α(1−ρ)/2‖w‖² contains 0 (an
        independent check of optimality: no solver involved)."""
        n = len(self.y)
        residual = self.y - self.X @ w - b
        if fit_intercept:
            self.assertAlmostEqual(residual.mean(), 0, delta=1e-8)
        smooth = -self.X.T @ residual / n + alpha * (1 - l1_ratio) * w
        l1 = alpha * l1_ratio
        active = w != 0
        np.testing.assert_allclose(smooth[active], -l1 * np.sign(w[active]), atol=1e-7)
        self.assertTrue(np.all(np.abs(smooth[~active]) <= l1 + 1e-7), smooth[~active])

    def test_l1_ratio_0_is_ridge_and_converges(self):
        # scikit-learn's gap test never passes without an L1 part (its ElasticNet warns); tessera
        # bounds ridge's gap by its own dual, so the fit stops, at Ridge(alpha = α·n)'s answer.
        d, _ = self.fit_job({"type": "elastic_net", "alpha": 0.3, "l1_ratio": 0.0, "tol": 1e-10})
        self.assertTrue(d["converged"])
        self.assertLess(d["n_iter"], 1000)
        sk = Ridge(alpha=0.3 * len(self.y)).fit(self.X, self.y)
        np.testing.assert_allclose(d["coef"], sk.coef_, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(d["intercept"], sk.intercept_, rtol=1e-7)

    def test_lasso_matches_lasso_and_predicts(self):
        d, out = self.fit_job({"type": "lasso", "alpha": 0.2, **TIGHT}, extra=f'[predict]\npath = "{self.new}"\n')
        sk = Lasso(alpha=0.2, **TIGHT).fit(self.X, self.y)
        np.testing.assert_allclose(d["coef"], sk.coef_, rtol=1e-6, atol=1e-9)
        self.assertEqual(sorted(np.flatnonzero(d["coef"])), sorted(np.flatnonzero(sk.coef_)))
        self.assertNotIn("l1_ratio", d)
        with h5py.File(out) as f:
            np.testing.assert_allclose(f["predictions"][:], sk.predict(self.Xn), rtol=1e-8, atol=1e-8)


class CrossValidated(ElasticNetData):
    def test_n_alphas_matches_elasticnetcv(self):
        l1_ratios = [0.2, 0.7, 1.0]
        d, out = self.fit_job({"type": "elastic_net", "n_alphas": 20, "tol": 1e-10, "max_iter": 100000},
                          extra='[cv]\nfolds = 5\n[search]\ngrid = { l1_ratio = [0.2, 0.7, 1.0] }\n'
                                'scoring = "neg_mean_squared_error"\n')
        sk = ElasticNetCV(l1_ratio=l1_ratios, n_alphas=20, cv=KFold(5), tol=1e-10, max_iter=100000).fit(self.X, self.y)
        with h5py.File(out) as f:
            alphas = f["path/alpha"][:]
            np.testing.assert_allclose(alphas, sk.alphas_, rtol=1e-10)
            np.testing.assert_array_equal(f["path/l1_ratio"][:], l1_ratios)
            # The path on all rows, against enet_path on the same alphas.
            for line, l1_ratio in enumerate(l1_ratios):
                _, coefs, _ = enet_path(self.X - self.X.mean(0), self.y - self.y.mean(), l1_ratio=l1_ratio,
                                        alphas=alphas[line], tol=1e-12, max_iter=100000)
                np.testing.assert_allclose(f["path/coef"][line], coefs.T, rtol=1e-6, atol=1e-8)
                intercepts = self.y.mean() - coefs.T @ self.X.mean(0)
                np.testing.assert_allclose(f["path/intercept"][line], intercepts, rtol=1e-8)
        # Candidates are l1_ratio by l1_ratio, alphas from the largest down: ElasticNetCV's mse_path_.
        mse = -np.array([c["split_test_scores"] for c in d["cv_results"]]).reshape(3, 20, 5)
        np.testing.assert_allclose(mse, sk.mse_path_, rtol=1e-8)
        self.assertEqual(d["best_params"]["l1_ratio"], sk.l1_ratio_)
        np.testing.assert_allclose(d["best_params"]["alpha"], sk.alpha_, rtol=1e-12)
        np.testing.assert_allclose(d["coef"], sk.coef_, rtol=1e-6, atol=1e-9)
        np.testing.assert_allclose(d["intercept"], sk.intercept_, rtol=1e-6)
        self.assertEqual(d["passes"], 1)
        self.assertEqual(d["fits_not_converged"], 0)

    def test_a_grid_of_alpha_and_l1_ratio_matches_gridsearchcv(self):
        alphas, l1_ratios = [0.01, 0.3, 3.0], [0.0, 0.5, 1.0]
        d, _ = self.fit_job({"type": "elastic_net", **TIGHT},
                        extra="[cv]\nfolds = 4\nshuffle = false\n[search]\n"
                              f"grid = {{ alpha = {alphas}, l1_ratio = {l1_ratios} }}\n")
        gs = GridSearchCV(ElasticNet(**TIGHT), {"alpha": alphas, "l1_ratio": l1_ratios}, cv=KFold(4)).fit(self.X, self.y)
        res = gs.cv_results_
        for i, c in enumerate(d["cv_results"]):
            self.assertEqual(c["params"], res["params"][i])
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(4)],
                                       rtol=1e-9)
            self.assertEqual(c["rank_test_score"], res["rank_test_score"][i])
        self.assertEqual(d["best_params"], gs.best_params_)
        np.testing.assert_allclose(d["coef"], gs.best_estimator_.coef_, rtol=1e-6, atol=1e-9)

    def test_lasso_search_and_bit_identical_on_1_2_3_and_5_ranks(self):
        runs = []
        for ranks in (1, 2, 3, 5):
            d, out = self.fit_job({"type": "lasso", "n_alphas": 30}, extra="[cv]\nfolds = 3\n[search]\n", ranks=ranks,
                              name=f"out{ranks}.h5")
            with h5py.File(out) as f:
                runs.append({k: f[k][()] for k in ("coef", "intercept", "alpha", "mean_test_score", "path/coef")})
        for r in runs[1:]:
            for k in runs[0]:
                np.testing.assert_array_equal(r[k], runs[0][k], err_msg=k)
        # The lasso's own alphas (one path, no l1_ratio), scored as GridSearchCV scores them.
        sk = GridSearchCV(Lasso(), {"alpha": d["path"]["alpha"][0]}, cv=KFold(3)).fit(self.X, self.y)
        np.testing.assert_allclose(runs[0]["mean_test_score"], sk.cv_results_["mean_test_score"], rtol=1e-6)
        self.assertNotIn("l1_ratio", d["best_params"])


class BadInput(ElasticNetData):
    def refused(self, model, extra=""):
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": self.data}, model, {"path": out}, extra=extra)
        return self.run_bad_job(job, out)

    def test_each_bad_input_is_one_line(self):
        cv = "[cv]\nfolds = 3\n[search]\n"
        cases = [
            ({"type": "elastic_net", "l1_ratio": 1.5}, "", "l1_ratio must be between 0 and 1, got 1.5"),
            ({"type": "elastic_net", "alpha": -1.0}, "", "alpha must be finite and not negative, got -1"),
            ({"type": "lasso", "alpha": -0.5}, "", "alpha must be finite and not negative"),
            ({"type": "elastic_net"}, cv + "grid = { l1_ratio = [0.5, -0.1] }\n", "must be between 0 and 1, got -0.1"),
            ({"type": "elastic_net", "n_alphas": 10}, "", "n_alphas needs [cv]"),
            ({"type": "elastic_net", "n_alphas": 10}, cv + "grid = { alpha = [1.0] }\n", "give one of them"),
            ({"type": "elastic_net", "n_alphas": 10, "l1_ratio": 0.0}, cv, "l1_ratio = 0 has none"),
            ({"type": "elastic_net", "n_alphas": 0}, cv, "n_alphas must be at least 1"),
            ({"type": "lasso", "l1_ratio": 0.5}, "", "l1_ratio"),
            ({"type": "elastic_net", "l1_ration": 0.5}, "", "did you mean"),
        ]
        for model, extra, expected in cases:
            with self.subTest(model=model, extra=extra):
                self.assertIn(expected, self.refused(model, extra))
