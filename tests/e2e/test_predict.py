"""[predict] for every model that predicts: ridge, logistic and their PCA pipelines, fitted by tessera
on one file and applied by the workers to the rows of another, against scikit-learn's fitted
estimators' predict and predict_proba on the same rows."""
import h5py
import numpy as np
from sklearn.decomposition import PCA
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import (accuracy_score, f1_score, log_loss, mean_absolute_error, mean_squared_error, r2_score,
                             roc_auc_score)
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline

from tessera_e2e import TempDirTest, last_json, tessera

NAMES = ["age", "dose", "weight", "height", "score"]


def tight_logistic(C=1.0, **options):
    return LogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000, **options)


class PredictTest(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(5)
        scale, shift = np.array([1, 2, 3, 0.5, 4]), np.array([1, 0, -3, 2, 5])
        self.X = rng.normal(size=(1500, 5)) * scale + shift
        self.Xn = rng.normal(size=(777, 5)) * scale + shift  # new rows, another chunking
        z = self.X @ np.array([0.4, -0.3, 0.2, 0.8, -0.1]) - 0.5
        zn = self.Xn @ np.array([0.4, -0.3, 0.2, 0.8, -0.1]) - 0.5
        self.labels = (rng.random(1500) < 1 / (1 + np.exp(-z))).astype(float)
        self.labels_new = (rng.random(777) < 1 / (1 + np.exp(-zn))).astype(float)
        coef = np.array([1.5, -2, 0.5, 3, 0.25])
        self.values = self.X @ coef + 4 + rng.normal(size=1500)
        self.values_new = self.Xn @ coef + 4 + rng.normal(size=777)
        self.data, self.new = self.path("train.h5"), self.path("new.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(200, 5)).attrs["feature_names"] = NAMES
            f["labels"], f["values"] = self.labels, self.values
        with h5py.File(self.new, "w") as f:
            f.create_dataset("X", data=self.Xn, chunks=(100, 5))
            f["values"], f["labels"] = self.values_new, self.labels_new

    def fit(self, target, model, extra="", ranks=3, name="out.h5", scored=False):
        """Fits on train.h5 and predicts for new.h5 (scored against its own `target` with `scored`)."""
        out = self.path(name)
        truth = f'target = "{target}"\n' if scored else ""
        job = self.write_job("j.toml", {"path": self.data, "target": target}, model, {"path": out, "overwrite": True},
                             extra=extra + f'[predict]\npath = "{self.new}"\n{truth}')
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            written = {k: f[k][()] for k in ("predictions", "probabilities", "feature_names") if k in f}
            if "evaluation" in f:
                written.update({"evaluation/" + k: v[()] for k, v in f["evaluation"].items()})
        return last_json(r.stdout), written

    def assertLabels(self, labels, probabilities, sklearn_proba):
        """Labels equal scikit-learn's wherever the two fits agree on the side of 0.5 (rows on the
        boundary to within the fits' agreement could go either way)."""
        clear = np.abs(sklearn_proba - 0.5) > 1e-6
        self.assertGreater(clear.sum(), 0.99 * len(labels))
        np.testing.assert_array_equal(labels[clear], (sklearn_proba[clear] > 0.5).astype(float))
        np.testing.assert_array_equal(labels, (probabilities > 0.5).astype(float))

    def test_ridge_predictions_match_sklearn(self):
        d, w = self.fit("values", {"type": "ridge", "alpha": 2.5})
        expected = Ridge(alpha=2.5).fit(self.X, self.values).predict(self.Xn)
        np.testing.assert_allclose(w["predictions"], expected, rtol=1e-10, atol=1e-10)
        self.assertNotIn("probabilities", w)
        self.assertEqual([n.decode() for n in w["feature_names"]], NAMES)
        self.assertEqual(d["feature_names"], NAMES)

    def test_pca_ridge_search_predicts_with_the_refit(self):
        d, w = self.fit("values", {"type": "ridge"}, extra='[cv]\nfolds = 4\n[search]\n'
                        'grid = { alpha = [0.1, 10.0], "pca.n_components" = [2, 4] }\n')
        pipe = Pipeline([("pca", PCA(svd_solver="full")), ("ridge", Ridge())])
        gs = GridSearchCV(pipe, {"pca__n_components": [2, 4], "ridge__alpha": [0.1, 10.0]}, cv=KFold(4)).fit(self.X, self.values)
        self.assertEqual(d["best_params"], {"alpha": gs.best_params_["ridge__alpha"],
                                            "pca.n_components": gs.best_params_["pca__n_components"]})
        np.testing.assert_allclose(w["predictions"], gs.predict(self.Xn), rtol=1e-9, atol=1e-9)

    def test_logistic_labels_and_probabilities_match_sklearn(self):
        d, w = self.fit("labels", {"type": "logistic", "C": 0.7})
        sk = tight_logistic(0.7).fit(self.X, self.labels)
        proba = sk.predict_proba(self.Xn)[:, 1]
        np.testing.assert_allclose(w["probabilities"], proba, rtol=1e-6, atol=1e-9)
        self.assertLabels(w["predictions"], w["probabilities"], proba)
        self.assertEqual(d["feature_names"], NAMES)

    def test_pca_logistic_search_predicts_with_the_refit(self):
        d, w = self.fit("labels", {"type": "logistic"}, extra='[cv]\nfolds = 3\n[search]\n'
                        'grid = { C = [0.01, 1.0], "pca.n_components" = [2, 5] }\n')
        pipe = Pipeline([("pca", PCA(svd_solver="full")), ("logistic", tight_logistic())])
        gs = GridSearchCV(pipe, {"pca__n_components": [2, 5], "logistic__C": [0.01, 1.0]}, cv=KFold(3)).fit(self.X, self.labels)
        self.assertEqual(d["best_params"], {"C": gs.best_params_["logistic__C"],
                                            "pca.n_components": gs.best_params_["pca__n_components"]})
        proba = gs.predict_proba(self.Xn)[:, 1]
        np.testing.assert_allclose(w["probabilities"], proba, rtol=1e-6, atol=1e-9)
        self.assertLabels(w["predictions"], w["probabilities"], proba)

    def test_predictions_are_bit_identical_on_1_2_3_and_5_ranks(self):
        for model, target in (({"type": "ridge", "alpha": 1.0}, "values"), ({"type": "logistic"}, "labels")):
            runs = [self.fit(target, model, ranks=n, name=f"out{n}.h5")[1] for n in (1, 2, 3, 5)]
            for r in runs[1:]:
                for k in runs[0]:
                    np.testing.assert_array_equal(r[k], runs[0][k], err_msg=f"{model['type']} {k}")

    def test_fit_on_one_file_and_report_on_another(self):
        # Regression: ols and ridge, scored as sklearn.metrics scores their predictions.
        for model, sk in (({"type": "ols"}, LinearRegression()), ({"type": "ridge", "alpha": 3.0}, Ridge(alpha=3.0))):
            d, w = self.fit("values", model, scored=True)
            expected = sk.fit(self.X, self.values).predict(self.Xn)
            np.testing.assert_allclose(w["predictions"], expected, rtol=1e-10, atol=1e-10)
            m = d["evaluation"]["metrics"]
            self.assertEqual(d["evaluation"]["kind"], "regression")
            self.assertEqual(m["rows"], 777)
            for name, value in (("mse", mean_squared_error(self.values_new, expected)),
                                ("mae", mean_absolute_error(self.values_new, expected)),
                                ("r2", r2_score(self.values_new, expected))):
                np.testing.assert_allclose(m[name], value, rtol=1e-9, err_msg=f"{model['type']} {name}")
                self.assertEqual(w["evaluation/" + name], m[name])
        # Classification: the probabilities scored against the new file's labels.
        d, w = self.fit("labels", {"type": "logistic", "C": 0.7}, scored=True)
        proba = tight_logistic(0.7).fit(self.X, self.labels).predict_proba(self.Xn)[:, 1]
        m = d["evaluation"]["metrics"]
        self.assertEqual(d["evaluation"]["kind"], "classification")
        np.testing.assert_allclose(m["log_loss"], log_loss(self.labels_new, proba), rtol=1e-6)
        np.testing.assert_allclose(m["roc_auc"], roc_auc_score(self.labels_new, proba), rtol=1e-9)
        self.assertEqual(m["accuracy"], accuracy_score(self.labels_new, w["predictions"]))
        np.testing.assert_allclose(m["f1"], f1_score(self.labels_new, w["predictions"]), rtol=1e-12)
        self.assertEqual(w["evaluation/accuracy"], m["accuracy"])

    def test_truth_of_another_length_is_refused(self):
        with h5py.File(self.new, "a") as f:
            f["short"] = self.values_new[:-1]
        line = self.bad({"type": "ridge"}, "values", "", self.new, truth="short")
        self.assertIn(f"{self.new}:short has 776 rows but {self.new}:X has 777", line)

    def bad(self, model, target, extra, predict_file, truth=None):
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": self.data, "target": target}, model, {"path": out},
                             extra=extra + f'[predict]\npath = "{predict_file}"\n' + (f'target = "{truth}"\n' if truth else ""))
        return self.run_bad_job(job, out)

    def test_predict_file_with_other_columns_is_refused(self):
        other = self.path("other.h5")
        with h5py.File(other, "w") as f:
            f["X"] = self.Xn[:, :4]
        for model, target in (({"type": "ridge"}, "values"), ({"type": "logistic"}, "labels")):
            line = self.bad(model, target, "", other)
            self.assertIn(f"{other}:X has 4 columns but the model was fitted on 5", line)

    def test_predict_without_refit_is_refused(self):
        line = self.bad({"type": "ridge"}, "values", "[cv]\nfolds = 3\n[search]\ngrid = { alpha = [1.0] }\nrefit = false\n", self.new)
        self.assertIn("[predict] needs the model refitted on all rows", line)
