"""Features from several 1-D datasets (`features = [...]`) and chosen columns of a 2-D dataset
(`columns = [...]`, by name or index), through the tessera binary for several job types, against
numpy and scikit-learn on the same columns stacked in memory."""
import h5py
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, KFold

from tessera_e2e import TempDirTest, last_json, tessera

NAMES = ["temp", "pressure", "/run1/flux"]


class ColumnData(TempDirTest):
    """A 2-D X with feature_names (chunks of 100 rows), the same columns as 1-D datasets (one in a
    group), a NaN in a column no job below chooses, and a file to predict for."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(9)
        n = 1201
        self.X = rng.normal(size=(n, 5)) * [1, 10, 0.1, 2, 1]
        self.y = self.X[:, :4] @ [1, 0.2, 30, -4] + 5 + rng.normal(size=n)
        self.Xn = rng.normal(size=(300, 5))
        self.data, self.new = self.path("d.h5"), self.path("new.h5")
        for path, X in ((self.data, self.X), (self.new, self.Xn)):
            with h5py.File(path, "w") as f:
                with_nan = X.copy()
                with_nan[3, 4] = np.nan
                d = f.create_dataset("X", data=with_nan, chunks=(100, 5))
                d.attrs["feature_names"] = np.array(["a", "b", "c", "d", "e"], dtype=object)
                f["temp"], f["pressure"] = X[:, 0], X[:, 1]
                f.create_group("run1")["flux"] = X[:, 2]
                f["y"] = self.y if path == self.data else np.zeros(len(X))
                f["short"] = X[:-1, 3]
                f["plain"] = X  # no feature_names attribute

    def run_job(self, data, model, extra="", ranks=3, name="out.h5"):
        out = self.path(name)
        job = self.write_job("j.toml", {"path": self.data, **data}, model, {"path": out, "overwrite": True}, extra=extra)
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out


class SeveralDatasets(ColumnData):
    def test_ridge_ols_and_predict_read_the_listed_datasets_as_columns(self):
        X = self.X[:, :3]
        d, out = self.run_job({"features": NAMES}, {"type": "ridge", "alpha": 3.0}, extra=f'[predict]\npath = "{self.new}"\n')
        sk = Ridge(alpha=3.0).fit(X, self.y)
        np.testing.assert_allclose(d["coef"], sk.coef_, rtol=1e-10)
        self.assertEqual(d["feature_names"], NAMES)
        with h5py.File(out) as f:
            np.testing.assert_allclose(f["predictions"][:], sk.predict(self.Xn[:, :3]), rtol=1e-10, atol=1e-10)
            self.assertEqual([s.decode() for s in f["feature_names"][:]], NAMES)
        d, _ = self.run_job({"features": NAMES}, {"type": "ols"}, name="ols.h5")
        design = np.column_stack([np.ones(len(X)), X])
        np.testing.assert_allclose([d["intercept"], *d["coef"]], np.linalg.lstsq(design, self.y, rcond=None)[0], rtol=1e-10)

    def test_gram_matches_numpy_bit_identical_on_1_2_3_and_5_ranks(self):
        runs = []
        for ranks in (1, 2, 3, 5):
            _, out = self.run_job({"features": NAMES}, {"type": "gram"}, ranks=ranks, name=f"g{ranks}.h5")
            with h5py.File(out) as f:
                runs.append((f["XtX"][:], f["Xty"][:]))
        for xtx, xty in runs[1:]:
            np.testing.assert_array_equal(xtx, runs[0][0])
            np.testing.assert_array_equal(xty, runs[0][1])
        np.testing.assert_allclose(runs[0][0], self.X[:, :3].T @ self.X[:, :3], rtol=1e-12)
        np.testing.assert_allclose(runs[0][1], self.X[:, :3].T @ self.y, rtol=1e-12)


class ChosenColumns(ColumnData):
    def test_by_name_and_by_index_in_a_search(self):
        chosen = [2, 0, 3]
        sk = GridSearchCV(Ridge(), {"alpha": [0.1, 100.0]}, cv=KFold(4)).fit(self.X[:, chosen], self.y)
        for columns in (["c", "a", "d"], chosen):
            with self.subTest(columns=columns):
                d, _ = self.run_job({"columns": columns}, {"type": "ridge"},
                                    extra="[cv]\nfolds = 4\n[search]\ngrid = { alpha = [0.1, 100.0] }\n")
                self.assertEqual(d["feature_names"], ["c", "a", "d"])
                np.testing.assert_allclose([c["mean_test_score"] for c in d["cv_results"]], sk.cv_results_["mean_test_score"],
                                           rtol=1e-10)
                np.testing.assert_allclose(d["coef"], sk.best_estimator_.coef_, rtol=1e-10)

    def test_predict_takes_the_same_columns(self):
        _, out = self.run_job({"columns": ["d", "b"]}, {"type": "ridge"}, extra=f'[predict]\npath = "{self.new}"\n')
        sk = Ridge().fit(self.X[:, [3, 1]], self.y)
        with h5py.File(out) as f:
            np.testing.assert_allclose(f["predictions"][:], sk.predict(self.Xn[:, [3, 1]]), rtol=1e-10, atol=1e-10)


class BadInput(ColumnData):
    def refused(self, data, ranks=3):
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": self.data, **data}, {"type": "ridge"}, {"path": out})
        return self.run_bad_job(job, out, ranks=ranks)

    def test_each_is_one_line(self):
        cases = [
            ({"features": ["temp", "short"]}, "[data] features: ", "short has 1200 rows but"),
            ({"columns": ["a", "cc"]}, "'cc' is not a column of", "did you mean 'c'?"),
            ({"columns": [1, 5]}, "5 is not a column of", "which has 5 (numbered from 0)"),
            ({"columns": [1, 1]}, "column 1 (b)", "is chosen twice"),
            ({"features": "plain", "columns": ["a"]}, "has no feature_names attribute", "choose its columns by index"),
            ({"features": NAMES, "columns": [0]}, "with a list of features", "list only the datasets wanted"),
            ({"features": ["temp", "X"]}, "X must be 1-D", ""),
            ({"features": ["temp", "temp"]}, "lists 'temp' twice", ""),
            ({"columns": ["a", 1]}, "all names (strings) or all indices", ""),
            ({"columns": [0, 4]}, "d.h5:X row 3 column 4 is NaN", ""),
        ]
        for data, first, second in cases:
            with self.subTest(data=data):
                line = self.refused(data)
                self.assertIn(first, line)
                self.assertIn(second, line)
