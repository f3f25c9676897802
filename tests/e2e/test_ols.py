"""Least squares through the tessera binary, against independent references: exact rational
arithmetic for accuracy, numpy/scipy for the statistics."""

import itertools

import h5py
import numpy as np
import statsmodels.api as sm
from scipy import stats

from exact_ols import exact_ols, exact_wls
from tessera_e2e import TempDirTest, error_lines, last_json, tessera


def lre(estimate, exact):
    """Correct significant digits (log relative error)."""
    estimate, exact = np.asarray(estimate, float), np.asarray(exact, float)
    with np.errstate(divide="ignore"):
        return -np.log10(np.abs(estimate - exact) / np.abs(exact))


class OlsCase(TempDirTest):
    def fit(self, X, y, ranks=3, model=None, data=None, extra_sets=(), name="d.h5", chunks=None, names=None, datasets=None):
        path = self.path(name)
        with h5py.File(path, "w") as f:
            f.create_dataset("X", data=X, chunks=chunks or (min(len(y), 64), X.shape[1]))
            f["y"] = y
            for key, values in (datasets or {}).items():
                f[key] = values
            if names:
                f["X"].attrs["feature_names"] = names
        out = self.path("out.h5")
        job = self.write_job("ols.toml", {"path": path, **(data or {})}, {"type": "ols", **(model or {})},
                             {"path": out, "overwrite": True})
        args = ["run", job, "--json"]
        for s in extra_sets:
            args += ["--set", s]
        r = tessera(args, ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out, r


def designed(n, p, scaled_condition, rng):
    """An n x p design whose columns, scaled to unit norm, have about this condition number; the
    columns' own scales then spread over six orders of magnitude."""
    u, _ = np.linalg.qr(rng.normal(size=(n, p)))
    v, _ = np.linalg.qr(rng.normal(size=(p, p)))
    X = u @ np.diag(np.logspace(0, -np.log10(scaled_condition), p)) @ v.T
    return X * 10.0 ** rng.uniform(-3, 3, size=p)


def scaled_condition(X):
    d = np.column_stack([np.ones(len(X)), X])
    return np.linalg.cond(d / np.linalg.norm(d, axis=0))


class Accuracy(OlsCase):
    """At least 9 correct digits in every coefficient and standard error (against exact rational
    arithmetic), on full-rank designs with scaled condition numbers up to 1e10, whether the
    residuals are tiny or dwarf the fit."""

    def check(self, X, y, digits=9):
        exact_b, exact_se = exact_ols(X, y)
        d, _, _ = self.fit(X, y)
        b = [d["intercept"]] + d["coef"]
        se = [d["intercept_stderr"]] + d["stderr"]
        self.assertTrue(np.all(lre(b, exact_b) >= digits), f"coef digits {lre(b, exact_b)}")
        self.assertTrue(np.all(lre(se, exact_se) >= digits), f"stderr digits {lre(se, exact_se)}")
        return d

    def test_degree_10_polynomial_condition_1e15(self):
        x = np.linspace(-9, -3, 500)
        X = np.column_stack([x ** k for k in range(1, 11)])
        self.assertGreater(np.linalg.cond(np.column_stack([np.ones(500), X])), 1e15)
        rng = np.random.default_rng(5)
        y = np.polyval(rng.normal(size=11), x) + rng.normal(scale=0.5, size=500)
        d = self.check(X, y)
        self.assertTrue(d["refined"])
        # numpy's lstsq on the same data, for the record: it loses most of the digits
        b_np = np.linalg.lstsq(np.column_stack([np.ones(500), X]), y, rcond=None)[0]
        self.assertLess(np.min(lre(b_np, exact_ols(X, y)[0])), 7)

    def test_noisy_polynomial_whose_residuals_dwarf_the_fit(self):
        # R² about 0.002 on a design of condition number ~6e6: the residual term of the error
        # bound (κ²·‖r‖/(‖X‖‖β‖)) dominates, although the condition number alone looks harmless.
        x = np.linspace(0.5, 1.5, 3000)
        X = np.column_stack([x ** k for k in range(1, 8)])
        rng = np.random.default_rng(8)
        y = 0.001 * np.polyval(rng.normal(size=8), x) + rng.normal(size=3000)
        self.assertTrue(1e6 < np.linalg.cond(np.column_stack([np.ones(3000), X])) < 1e8)
        d = self.check(X, y)
        self.assertLess(d["r2"], 0.01)
        self.assertTrue(d["refined"], "the residual term must trigger the extended-precision refit")

    def test_scaled_condition_up_to_1e10_with_large_and_small_residuals(self):
        rng = np.random.default_rng(12)
        for condition in (1e4, 1e7, 1e10):
            for noise in (1e-9, 1.0, 1e3):  # residual relative to the signal
                X = designed(300, 6, condition, rng)
                self.assertLess(scaled_condition(X), 3 * condition)
                signal = X @ (rng.normal(size=6) / X.std(axis=0))
                y = signal + 3 + noise * signal.std() * rng.normal(size=300)
                with self.subTest(condition=condition, noise=noise):
                    self.check(X, y)

    def test_well_conditioned_data_is_not_refitted(self):
        rng = np.random.default_rng(13)
        X = rng.normal(size=(2000, 5))
        y = X @ rng.normal(size=5) + rng.normal(size=2000)
        d = self.check(X, y)
        self.assertFalse(d["refined"], "a well-conditioned fit must not pay for the extended-precision pass")

    def test_columns_scaled_over_twelve_orders(self):
        rng = np.random.default_rng(6)
        scales = 10.0 ** np.linspace(-6, 6, 6)
        X = rng.normal(size=(400, 6)) * scales
        y = X @ (rng.normal(size=6) / scales) + 3 + rng.normal(size=400)
        self.check(X, y)

    def test_cholesky_solver_is_refitted_when_its_normal_equations_lose_digits(self):
        rng = np.random.default_rng(14)
        X = designed(400, 5, 1e5, rng)
        y = X @ (rng.normal(size=5) / X.std(axis=0)) + rng.normal(size=400)
        exact_b, exact_se = exact_ols(X, y)
        d, _, _ = self.fit(X, y, model={"solver": "cholesky"})
        self.assertTrue(d["refined"])
        b = [d["intercept"]] + d["coef"]
        self.assertTrue(np.all(lre(b, exact_b) >= 9), f"coef digits {lre(b, exact_b)}")


class Statistics(OlsCase):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(11)
        self.X = rng.normal(size=(3001, 4)) + [0, 5, -2, 1]
        self.y = self.X @ [0.5, -1.0, 0.0, 2.0] + 4 + rng.normal(size=3001)

    def test_report_matches_an_independent_reference(self):
        d, out, r = self.fit(self.X, self.y, names=["age", "dose", "noise", "weight"])
        n, p = self.X.shape
        A = np.column_stack([np.ones(n), self.X])
        beta, rss = np.linalg.lstsq(A, self.y, rcond=None)[:2]
        df = n - p - 1
        s2 = rss[0] / df
        se = np.sqrt(s2 * np.diag(np.linalg.inv(A.T @ A)))
        t = beta / se
        pv = 2 * stats.t.sf(np.abs(t), df)
        tss = np.sum((self.y - self.y.mean()) ** 2)
        r2 = 1 - rss[0] / tss
        f = ((tss - rss[0]) / p) / s2
        np.testing.assert_allclose(d["coef"], beta[1:], rtol=1e-10)
        np.testing.assert_allclose(d["intercept"], beta[0], rtol=1e-10)
        np.testing.assert_allclose(d["stderr"], se[1:], rtol=1e-10)
        np.testing.assert_allclose(d["intercept_stderr"], se[0], rtol=1e-10)
        np.testing.assert_allclose(d["tvalues"], t[1:], rtol=1e-9)
        np.testing.assert_allclose(d["pvalues"], pv[1:], rtol=1e-6, atol=1e-300)
        np.testing.assert_allclose(d["intercept_pvalue"], pv[0], rtol=1e-6, atol=1e-300)
        np.testing.assert_allclose(d["r2"], r2, rtol=1e-12)
        np.testing.assert_allclose(d["adj_r2"], 1 - (1 - r2) * (n - 1) / df, rtol=1e-12)
        np.testing.assert_allclose(d["rse"], np.sqrt(s2), rtol=1e-12)
        np.testing.assert_allclose(d["fstat"], f, rtol=1e-10)
        np.testing.assert_allclose(d["fstat_pvalue"], stats.f.sf(f, p, df), atol=1e-300)
        np.testing.assert_allclose(d["cond"], np.linalg.cond(A), rtol=1e-6)
        self.assertEqual((d["df_resid"], d["n"], d["p"], d["solver"]), (df, n, p, "tsqr"))
        self.assertEqual(d["feature_names"], ["age", "dose", "noise", "weight"])
        self.assertEqual(d["rank_deficient"], [])
        with h5py.File(out) as o:  # the same numbers, one dataset per quantity
            np.testing.assert_array_equal(o["coef"][:], d["coef"])
            np.testing.assert_array_equal(o["pvalues"][:], d["pvalues"])
            self.assertEqual(o["r2"][()], d["r2"])
            self.assertEqual(o["solver"][()].decode(), "tsqr")
            self.assertEqual([s.decode() for s in o["feature_names"][:]], d["feature_names"])
        self.assertIn("weight", r.stderr)  # the readable table, on stderr since stdout has the JSON
        self.assertIn("R²", r.stderr)

    def test_tsqr_and_cholesky_agree(self):
        a, _, _ = self.fit(self.X, self.y, model={"solver": "tsqr"})
        b, _, _ = self.fit(self.X, self.y, model={"solver": "cholesky"})
        self.assertEqual(b["solver"], "cholesky")
        for key in ("coef", "stderr", "tvalues"):
            np.testing.assert_allclose(a[key], b[key], rtol=1e-10)
        for key in ("intercept", "intercept_stderr", "r2", "adj_r2", "rse", "fstat"):
            np.testing.assert_allclose(a[key], b[key], rtol=1e-10)

    def test_without_intercept_r2_is_uncentred(self):
        d, _, _ = self.fit(self.X, self.y, model={"fit_intercept": False})
        beta, rss = np.linalg.lstsq(self.X, self.y, rcond=None)[:2]
        np.testing.assert_allclose(d["coef"], beta, rtol=1e-10)
        np.testing.assert_allclose(d["r2"], 1 - rss[0] / np.sum(self.y ** 2), rtol=1e-12)
        for key in ("intercept", "intercept_stderr", "intercept_tvalue", "intercept_pvalue"):
            self.assertIsNone(d[key])
        self.assertEqual(d["df_resid"], 3001 - 4)

    def test_bit_identical_on_1_2_3_5_8_ranks(self):
        results = [self.fit(self.X, self.y, ranks=n, data={"chunk_rows": 250})[0] for n in (1, 2, 3, 5, 8)]
        for d in results[1:]:
            self.assertEqual(d["coef"], results[0]["coef"])  # JSON keeps every bit of a double
            self.assertEqual(d["stderr"], results[0]["stderr"])
            self.assertEqual(d["intercept"], results[0]["intercept"])


class StatsmodelsInference(OlsCase):
    """conf_int, llf, aic and bic against statsmodels' OLS results, with and without an intercept,
    at two levels, and on a rank-deficient design (whose parameter count is its rank)."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(8)
        self.X = rng.normal(size=(2500, 3)) * [1, 3, 0.2] + [2, 0, -1]
        self.y = self.X @ [0.7, -0.2, 4.0] + 1.5 + rng.normal(size=2500) * 2

    def check(self, X, d, out, alpha, intercept=True):
        design = sm.add_constant(X, has_constant="add") if intercept else X
        res = sm.OLS(self.y, design, missing="none").fit()
        ci = res.conf_int(alpha=alpha)
        off = 1 if intercept else 0
        kept = ~np.isnan(np.asarray(d["coef"], float))
        np.testing.assert_allclose(np.array(d["conf_int"], float)[kept], ci[off:][kept[:len(ci) - off]], rtol=1e-9)
        if intercept:
            np.testing.assert_allclose(d["intercept_conf_int"], ci[0], rtol=1e-9)
        for name in ("llf", "aic", "bic"):
            np.testing.assert_allclose(d[name], getattr(res, name), rtol=1e-12, err_msg=name)
        with h5py.File(out) as o:
            np.testing.assert_array_equal(o["conf_int"][:], np.array(d["conf_int"], float))
            for name in ("llf", "aic", "bic"):
                self.assertEqual(o[name][()], d[name])

    def test_conf_int_and_information_criteria_match_statsmodels(self):
        for alpha in (0.05, 0.1):
            d, out, r = self.fit(self.X, self.y, model={"alpha": alpha})
            self.check(self.X, d, out, alpha)
            self.assertIn(f"[{alpha / 2:.4g}", r.stderr)  # the interval's columns in the table
            self.assertIn("AIC", r.stderr)

    def test_without_intercept(self):
        d, out, _ = self.fit(self.X, self.y, model={"fit_intercept": False})
        self.assertIsNone(d["intercept_conf_int"])
        self.check(self.X, d, out, 0.05, intercept=False)

    def test_rank_deficient_design_counts_its_rank(self):
        X = np.column_stack([self.X, self.X[:, 0] * 2])  # the last column depends on the first
        d, out, _ = self.fit(X, self.y)
        self.assertEqual(d["rank_deficient"], ["x3"])
        res = sm.OLS(self.y, sm.add_constant(self.X)).fit()  # the same fit on the independent columns
        for name in ("llf", "aic", "bic"):
            np.testing.assert_allclose(d[name], getattr(res, name), rtol=1e-10, err_msg=name)
        self.assertEqual(d["conf_int"][3], [None, None])

    def test_p_values_that_underflow_are_shown_as_below_1e_300(self):
        rng = np.random.default_rng(3)
        X = rng.normal(size=(5000, 2))
        y = X @ [3.0, 0.0] + rng.normal(size=5000) * 1e-3  # t for x0 in the millions: P underflows to 0
        d, _, r = self.fit(X, y)
        self.assertEqual(d["pvalues"][0], 0.0)
        table = next(line for line in r.stderr.splitlines() if line.split() and line.split()[0] == "x0")
        self.assertIn("<1e-300", table)
        self.assertNotIn("<1e-300", next(line for line in r.stderr.splitlines() if line.split() and line.split()[0] == "x1"))

    def test_alpha_outside_0_1_is_refused(self):
        path = self.path("a.h5")
        with h5py.File(path, "w") as f:
            f["X"], f["y"] = self.X, self.y
        for alpha in (0, 1, 1.5):
            out = self.path("bad.h5")
            job = self.write_job("bad.toml", {"path": path}, {"type": "ols", "alpha": alpha}, {"path": out})
            line = self.run_bad_job(job, out)
            self.assertIn("alpha", line)
            self.assertIn("must be between 0 and 1", line)


COV_TYPES = ("nonrobust", "HC0", "HC1", "HC2", "HC3")


class RobustAndWeighted(OlsCase):
    """cov_type HC0–HC3 and weights (WLS) against statsmodels' OLS(...).fit(cov_type=...) and
    WLS(...).fit(cov_type=...): standard errors, test statistics, p-values, intervals, F, R², llf."""

    def compare(self, d, res, intercept=True, rtol=1e-8, pvalue_rtol=1e-8):
        def with_intercept(name, key=None):
            values = list(d[key or name])
            return ([d["intercept" if name == "coef" else f"intercept_{name}"]] if intercept else []) + values
        np.testing.assert_allclose(with_intercept("coef"), res.params, rtol=rtol, err_msg="coef")
        np.testing.assert_allclose(with_intercept("stderr"), res.bse, rtol=rtol, err_msg="stderr")
        np.testing.assert_allclose(with_intercept("tvalue", "tvalues"), res.tvalues, rtol=rtol, err_msg="tvalues")
        np.testing.assert_allclose(with_intercept("pvalue", "pvalues"), res.pvalues, rtol=pvalue_rtol, atol=1e-300, err_msg="pvalues")
        ci = ([d["intercept_conf_int"]] if intercept else []) + d["conf_int"]
        np.testing.assert_allclose(ci, res.conf_int(), rtol=rtol, err_msg="conf_int")
        for name, theirs in (("fstat", res.fvalue), ("fstat_pvalue", res.f_pvalue), ("r2", res.rsquared),
                             ("adj_r2", res.rsquared_adj), ("llf", res.llf), ("aic", res.aic), ("bic", res.bic)):
            np.testing.assert_allclose(d[name], theirs, rtol=rtol, err_msg=name)

    def heteroscedastic(self, n=3000, seed=4):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(n, 3)) * [1, 2, 0.5] + [0, 1, 0]
        y = X @ [1.0, -2.0, 0.5] + 1 + rng.normal(size=n) * (0.5 + np.abs(X[:, 0]))  # variance grows with x0
        return X, y, rng.uniform(0.1, 3.0, size=n)

    def test_every_cov_type_matches_statsmodels_ols_and_wls(self):
        X, y, w = self.heteroscedastic()
        for cov_type in COV_TYPES:
            d, out, r = self.fit(X, y, model={"cov_type": cov_type}, chunks=(250, 3))
            self.assertEqual(d["cov_type"], cov_type)
            self.compare(d, sm.OLS(y, sm.add_constant(X)).fit(cov_type=cov_type))
            test = "P>|t|" if cov_type == "nonrobust" else "P>|z|"
            self.assertIn(test, r.stderr)
            with h5py.File(out) as o:
                np.testing.assert_array_equal(o["stderr"][:], d["stderr"])
                self.assertEqual(o["cov_type"][()].decode(), cov_type)
            d, out, r = self.fit(X, y, model={"cov_type": cov_type, "weights": "w"}, datasets={"w": w}, chunks=(250, 3))
            self.assertTrue(d["weighted"])
            self.assertIn("WLS", r.stderr)
            self.compare(d, sm.WLS(y, sm.add_constant(X), weights=w).fit(cov_type=cov_type))

    def test_without_intercept_and_with_the_cholesky_solver(self):
        X, y, w = self.heteroscedastic(n=1500, seed=6)
        for model in ({"fit_intercept": False}, {"solver": "cholesky"}):
            intercept = model.get("fit_intercept", True)
            design = sm.add_constant(X) if intercept else X
            for cov_type in ("HC1", "HC3"):
                d, _, _ = self.fit(X, y, model={**model, "cov_type": cov_type, "weights": "w"}, datasets={"w": w})
                self.compare(d, sm.WLS(y, design, weights=w).fit(cov_type=cov_type), intercept=intercept)

    def compare_exact(self, d, exact, cov_type, df_resid, alpha=0.05, rtol=1e-8):
        """Against exact arithmetic: coef and stderr, then what follows from them by the t (or, when
        robust, the normal) and F distributions."""
        def with_intercept(name, key=None):
            return np.array([d["intercept" if name == "coef" else f"intercept_{name}"]] + list(d[key or name]))
        coef, se = np.array(exact["coef"]), np.array(exact["stderr"])
        dist = stats.t(df_resid) if cov_type == "nonrobust" else stats.norm()
        np.testing.assert_allclose(with_intercept("coef"), coef, rtol=rtol, err_msg="coef")
        np.testing.assert_allclose(with_intercept("stderr"), se, rtol=rtol, err_msg="stderr")
        np.testing.assert_allclose(with_intercept("pvalue", "pvalues"), 2 * dist.sf(np.abs(coef / se)), rtol=rtol, err_msg="pvalues")
        q = dist.isf(alpha / 2)
        ci = np.array([d["intercept_conf_int"]] + d["conf_int"])
        np.testing.assert_allclose(ci, np.column_stack([coef - q * se, coef + q * se]), rtol=rtol, err_msg="conf_int")
        np.testing.assert_allclose(d["fstat"], exact["fvalue"], rtol=rtol, err_msg="fstat")
        df_model = len(coef) - 1
        np.testing.assert_allclose(d["fstat_pvalue"], stats.f.sf(exact["fvalue"], df_model, df_resid), rtol=rtol, err_msg="fstat_pvalue")

    def test_real_data_longley_and_stackloss(self):
        # Longley's design is ill-conditioned enough for the extended-precision refit. There
        # statsmodels' own HC standard errors are off by up to 5e-9 against exact arithmetic, which
        # its p-values near 1e-12, intervals and Wald F turn into up to 2e-7. So on Longley the
        # answer is held to 1e-8 against exact arithmetic, and to 1e-6 against statsmodels.
        for name, data in (("longley", sm.datasets.longley.load_pandas()), ("stackloss", sm.datasets.stackloss.load_pandas())):
            X, y = data.exog.to_numpy(float), data.endog.to_numpy(float)
            w = 1 / (1 + np.arange(len(y)) % 3)
            for cov_type, weights in itertools.product(COV_TYPES, (None, w)):
                with self.subTest(data=name, cov_type=cov_type, weighted=weights is not None):
                    model = {"cov_type": cov_type, **({"weights": "w"} if weights is not None else {})}
                    d, _, _ = self.fit(X, y, model=model, datasets={"w": w} if weights is not None else None)
                    fitted = (sm.OLS(y, sm.add_constant(X)) if weights is None else sm.WLS(y, sm.add_constant(X), weights=weights))
                    rtol = 1e-6 if name == "longley" else 1e-8
                    self.compare(d, fitted.fit(cov_type=cov_type), rtol=rtol, pvalue_rtol=rtol)
                    self.compare_exact(d, exact_wls(X, y, cov_type, weights), cov_type, len(y) - X.shape[1] - 1)

    def test_robust_weighted_fit_is_bit_identical_on_1_2_3_and_5_ranks(self):
        X, y, w = self.heteroscedastic(n=2000, seed=9)
        runs = [self.fit(X, y, ranks=ranks, model={"cov_type": "HC3", "weights": "w"}, datasets={"w": w}, chunks=(128, 3))[0]
                for ranks in (1, 2, 3, 5)]
        for d in runs[1:]:
            for key in ("coef", "stderr", "pvalues", "conf_int", "llf", "fstat"):
                self.assertEqual(d[key], runs[0][key], key)

    def bad(self, model, datasets, rows=200):
        X, y, _ = self.heteroscedastic(n=rows)
        path = self.path("bad_in.h5")
        with h5py.File(path, "w") as f:
            f.create_dataset("X", data=X, chunks=(50, 3))
            f["y"] = y
            for key, values in datasets.items():
                f[key] = values
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": path}, {"type": "ols", **model}, {"path": out})
        return self.run_bad_job(job, out)

    def test_a_zero_weight_drops_its_row_but_counts_in_n_as_in_statsmodels(self):
        X, y, w = self.heteroscedastic(n=400, seed=8)
        w[[5, 250]] = 0
        d, _, _ = self.fit(X, y, model={"cov_type": "HC2", "weights": "w"}, datasets={"w": w})
        res = sm.WLS(y, sm.add_constant(X), weights=w).fit(cov_type="HC2")
        np.testing.assert_allclose([d["intercept_stderr"]] + d["stderr"], res.bse, rtol=1e-8)
        self.assertEqual((d["n"], d["df_resid"]), (res.nobs, res.df_resid))
        self.assertEqual(res.llf, -np.inf)
        self.assertIsNone(d["llf"])  # −∞, which JSON cannot hold

    def test_bad_weights_are_refused_naming_the_dataset_and_row(self):
        w = np.ones(200)
        w[137] = -0.5
        line = self.bad({"weights": "w"}, {"w": w})
        self.assertIn("bad_in.h5:w row 137 is -0.5", line)
        self.assertIn("non-negative", line)
        w[137] = np.nan
        line = self.bad({"weights": "w"}, {"w": w})
        self.assertIn("w", line)
        self.assertIn("137", line)
        self.assertIn("NaN", line)
        line = self.bad({"weights": "w"}, {"w": np.ones(199)})
        self.assertIn("bad_in.h5:w has 199 rows", line)
        line = self.bad({"weights": "nope"}, {})
        self.assertIn("nope", line)

    def test_an_unknown_cov_type_suggests_the_nearest(self):
        line = self.bad({"cov_type": "hc3"}, {})
        self.assertIn("unknown cov_type 'hc3'", line)
        self.assertIn("did you mean 'HC3'", line)


class RankDeficiency(OlsCase):
    def test_duplicated_and_constant_columns_are_named_and_marked(self):
        rng = np.random.default_rng(2)
        base = rng.normal(size=(500, 3))
        X = np.column_stack([base[:, 0], base[:, 1], base[:, 1], np.full(500, 7.0), base[:, 2]])
        y = base @ [1.0, 2.0, 3.0] + rng.normal(size=500)
        d, out, r = self.fit(X, y, names=["a", "b", "b_copy", "seven", "c"])
        self.assertEqual(d["rank_deficient"], ["b_copy", "seven"])
        self.assertIsNone(d["coef"][2])   # NaN in the file, null in JSON
        self.assertIsNone(d["coef"][3])
        self.assertIn("rank deficient: b_copy, seven", r.stderr)
        kept = np.column_stack([np.ones(500), base])
        beta = np.linalg.lstsq(kept, y, rcond=None)[0]
        np.testing.assert_allclose([d["intercept"], d["coef"][0], d["coef"][1], d["coef"][4]], beta, rtol=1e-10)
        self.assertEqual(d["df_resid"], 500 - 4)
        with h5py.File(out) as o:
            self.assertTrue(np.isnan(o["coef"][2]))
            self.assertEqual([s.decode() for s in o["rank_deficient"][:]], ["b_copy", "seven"])


class Predict(OlsCase):
    def test_predictions_are_written_in_parallel(self):
        rng = np.random.default_rng(3)
        X = rng.normal(size=(2000, 3))
        y = X @ [1.0, -2.0, 0.5] + 1 + rng.normal(size=2000)
        new = self.path("new.h5")
        Xn = rng.normal(size=(1234, 3))
        with h5py.File(new, "w") as f:
            f.create_dataset("X", data=Xn, chunks=(100, 3))
        d, out, _ = self.fit(X, y, extra_sets=[f"predict.path={new}"], ranks=4)
        with h5py.File(out) as o:
            np.testing.assert_allclose(o["predictions"][:], Xn @ d["coef"] + d["intercept"], rtol=1e-12, atol=1e-12)


class OlsBadInput(OlsCase):
    def run_bad(self, X, y, model=None, sets=()):
        path = self.path("bad.h5")
        with h5py.File(path, "w") as f:
            f["X"] = X
            f["y"] = y
        out = self.path("out.h5")
        job = self.write_job("bad.toml", {"path": path}, {"type": "ols", **(model or {})}, {"path": out})
        args = ["run", job]
        for s in sets:
            args += ["--set", s]
        r = tessera(args, ranks=3)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len([l for l in lines if "error" in l]), 1, r.stderr)
        self.assertNoOutputLeft(out)
        return lines[-1]

    def test_fewer_rows_than_coefficients(self):
        line = self.run_bad(np.ones((3, 4)) + np.eye(3, 4), np.arange(3.0))
        self.assertIn("fewer rows (3) than the model has coefficients (5)", line)

    def test_constant_target(self):
        X = np.random.default_rng(1).normal(size=(50, 2))
        self.assertIn("bad.h5:y is constant", self.run_bad(X, np.full(50, 4.0)))

    def test_predict_with_wrong_column_count(self):
        X = np.random.default_rng(1).normal(size=(50, 2))
        other = self.path("other.h5")
        with h5py.File(other, "w") as f:
            f["X"] = np.zeros((10, 3))
        line = self.run_bad(X, X[:, 0] + 1, sets=[f"predict.path={other}"])
        self.assertIn("other.h5:X has 3 columns but the model was fitted on 2", line)

    def test_cholesky_refuses_an_ill_conditioned_design_and_names_tsqr(self):
        x = np.linspace(-9, -3, 200)
        X = np.column_stack([x ** k for k in range(1, 11)])
        line = self.run_bad(X, x, model={"solver": "cholesky"})
        self.assertIn('use solver = "tsqr"', line)

    def test_unknown_solver_suggests(self):
        X = np.random.default_rng(1).normal(size=(50, 2))
        self.assertIn("did you mean 'tsqr'", self.run_bad(X, X[:, 0], model={"solver": "tsrq"}))
