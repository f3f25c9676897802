"""A binary target in the encodings people have — 0/1, ±1, a boolean (h5py's HDF5 enum), any two
numbers — fitted, cross-validated, predicted and evaluated as scikit-learn does with the same labels
(the positive class the larger value, classes_[1], unless positive_class names the other), and the
targets that are not binary refused with the rows that show it."""
import h5py
import numpy as np
from sklearn.metrics import accuracy_score, f1_score, log_loss, precision_score, recall_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, KFold

from tessera_e2e import TempDirTest, last_json, tessera
from test_predict import tight_logistic


class BinaryTargetTest(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(11)
        self.X = rng.normal(size=(1200, 4)) * [1, 2, 0.5, 3] + [0, 1, -1, 2]
        self.Xn = rng.normal(size=(500, 4)) * [1, 2, 0.5, 3] + [0, 1, -1, 2]
        beta = np.array([0.8, -0.4, 1.2, 0.1])
        self.positive = rng.random(1200) < 1 / (1 + np.exp(-(self.X @ beta - 0.3)))
        self.positive_new = rng.random(500) < 1 / (1 + np.exp(-(self.Xn @ beta - 0.3)))
        self.data, self.new = self.path("train.h5"), self.path("new.h5")
        with h5py.File(self.data, "w") as f:
            f["X"] = self.X
            f["zero_one"] = self.positive.astype(float)
            f["plus_minus"] = np.where(self.positive, 1, -1).astype(np.int32)
            f["boolean"] = self.positive  # h5py writes an HDF5 enum (FALSE = 0, TRUE = 1)
            f["two_numbers"] = np.where(self.positive, 2.5, 7.0)
        with h5py.File(self.new, "w") as f:
            f["X"] = self.Xn
            f["plus_minus"] = np.where(self.positive_new, 1.0, -1.0)
            f["two_numbers"] = np.where(self.positive_new, 2.5, 7.0)

    def fit(self, target, model=None, extra="", ranks=3, name="out.h5", truth=None):
        """Fits logistic regression on train.h5:`target` (rows in chunks of 100) and predicts for new.h5."""
        out = self.path(name)
        scored = f'target = "{truth}"\n' if truth else ""
        job = self.write_job("j.toml", {"path": self.data, "target": target, "chunk_rows": 100},
                             {"type": "logistic", **(model or {})}, {"path": out, "overwrite": True},
                             extra=extra + f'[predict]\npath = "{self.new}"\n{scored}')
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            written = {k: f[k][()] for k in ("coef", "intercept", "classes", "predictions", "probabilities")}
        return last_json(r.stdout), written

    def assertMatchesSklearn(self, written, y, classes):
        """Coefficients, P(y = classes[1]) and labels in the user's values (`classes`, [read as 0, read
        as 1]), as scikit-learn's fit of whether y is classes[1]."""
        sk = tight_logistic().fit(self.X, y == classes[1])
        np.testing.assert_allclose(written["coef"], sk.coef_[0], rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(written["intercept"], sk.intercept_[0], rtol=1e-7, atol=1e-9)
        proba = sk.predict_proba(self.Xn)[:, 1]
        np.testing.assert_allclose(written["probabilities"], proba, rtol=1e-6, atol=1e-9)
        clear = np.abs(proba - 0.5) > 1e-6
        self.assertGreater(clear.sum(), 0.99 * len(proba))
        labels = np.where(sk.predict(self.Xn), classes[1], classes[0]).astype(float)
        np.testing.assert_array_equal(written["predictions"][clear], labels[clear])
        self.assertEqual(set(np.unique(written["predictions"])), set(classes))

    def test_plus_minus_one_is_fitted_and_predicted_in_its_own_labels(self):
        y = np.where(self.positive, 1, -1)
        d, w = self.fit("plus_minus")
        self.assertEqual(d["classes"], [-1, 1])
        self.assertEqual(d["positive_class"], 1)
        np.testing.assert_array_equal(w["classes"], [-1, 1])
        self.assertMatchesSklearn(w, y, [-1, 1])
        # scikit-learn on the ±1 labels themselves predicts the same labels.
        sk = tight_logistic().fit(self.X, y)
        np.testing.assert_allclose(w["coef"], sk.coef_[0], rtol=1e-7, atol=1e-9)
        # The same labels as 0/1 give the very same model.
        _, w01 = self.fit("zero_one", name="zero_one.h5")
        for k in ("coef", "intercept", "probabilities"):
            np.testing.assert_array_equal(w[k], w01[k], err_msg=k)

    def test_boolean_enum_target(self):
        with h5py.File(self.data) as f:
            self.assertEqual(f["boolean"].dtype, bool)
            self.assertIsInstance(f["boolean"].id.get_type(), h5py.h5t.TypeEnumID)
        d, w = self.fit("boolean")
        self.assertEqual(d["classes"], [0, 1])
        self.assertMatchesSklearn(w, self.positive, [0, 1])
        # positive_class = false models P(y = False).
        d, w = self.fit("boolean", {"positive_class": False}, name="false.h5")
        self.assertEqual(d["classes"], [1, 0])
        self.assertMatchesSklearn(w, self.positive, [1, 0])

    def test_two_numbers_with_the_smaller_as_positive_class(self):
        y = np.where(self.positive, 2.5, 7.0)
        d, w = self.fit("two_numbers")  # the larger, 7, is positive by default
        self.assertEqual(d["classes"], [2.5, 7.0])
        self.assertMatchesSklearn(w, y, [2.5, 7.0])
        d, w = self.fit("two_numbers", {"positive_class": 2.5}, name="pc.h5", truth="two_numbers")
        self.assertEqual(d["classes"], [7.0, 2.5])
        self.assertEqual(d["positive_class"], 2.5)
        self.assertMatchesSklearn(w, y, [7.0, 2.5])
        # Scored against the new file's labels, with 2.5 as the positive class.
        # (scikit-learn's metrics take labels 2.5 and 7 as strings: as floats they look continuous.)
        truth, labels = np.where(self.positive_new, "2.5", "7"), np.where(w["predictions"] == 2.5, "2.5", "7")
        proba = w["probabilities"]
        self.assertEqual(set(w["predictions"]), {2.5, 7.0})
        m = d["evaluation"]["metrics"]
        self.assertEqual(m["accuracy"], accuracy_score(truth, labels))
        np.testing.assert_allclose(m["precision"], precision_score(truth, labels, pos_label="2.5"), rtol=1e-12)
        np.testing.assert_allclose(m["recall"], recall_score(truth, labels, pos_label="2.5"), rtol=1e-12)
        np.testing.assert_allclose(m["f1"], f1_score(truth, labels, pos_label="2.5"), rtol=1e-12)
        np.testing.assert_allclose(m["roc_auc"], roc_auc_score(truth == "2.5", proba), rtol=1e-9)
        np.testing.assert_allclose(m["log_loss"], log_loss(truth == "2.5", proba), rtol=1e-6)
        self.assertEqual(sorted(m["per_class"]), ["2.5", "7"])
        np.testing.assert_allclose(m["per_class"]["7"]["f1"], f1_score(truth, labels, pos_label="7"), rtol=1e-12)

    def test_cross_validated_search_on_plus_minus_one(self):
        y = np.where(self.positive, 1, -1)
        search = '[cv]\nfolds = 4\n[search]\nscoring = "f1"\ngrid = { C = [0.001, 0.01, 1.0] }\n'
        d, w = self.fit("plus_minus", extra=search, truth="plus_minus")
        gs = GridSearchCV(tight_logistic(), {"C": [0.001, 0.01, 1.0]}, cv=KFold(4), scoring="f1").fit(self.X, y)
        self.assertEqual(d["best_params"], {"C": gs.best_params_["C"]})
        np.testing.assert_allclose(d["best_score"], gs.best_score_, rtol=1e-9)
        proba = gs.predict_proba(self.Xn)[:, 1]
        np.testing.assert_allclose(w["probabilities"], proba, rtol=1e-6, atol=1e-9)
        truth = np.where(self.positive_new, 1, -1)
        np.testing.assert_allclose(d["evaluation"]["metrics"]["f1"], f1_score(truth, w["predictions"]), rtol=1e-12)

    def test_bit_identical_on_1_2_3_and_5_ranks(self):
        runs = [self.fit("two_numbers", {"positive_class": 2.5}, ranks=n, name=f"out{n}.h5")[1] for n in (1, 2, 3, 5)]
        for r in runs[1:]:
            for k in runs[0]:
                np.testing.assert_array_equal(r[k], runs[0][k], err_msg=k)

    def test_evaluate_a_truth_of_two_numbers(self):
        proba = 1 / (1 + np.exp(-(self.X @ [0.8, -0.4, 1.2, 0.1] - 0.3)))
        preds = self.path("preds.h5")
        with h5py.File(preds, "w") as f:
            f["p"] = proba
        for positive_class, scored in ((None, self.positive == 0), (2.5, self.positive)):
            out = self.path(f"eval{positive_class}.h5")
            model = {"type": "evaluate", "metrics": "classification"}
            if positive_class is not None:
                model["positive_class"] = positive_class
            job = self.write_job("e.toml", {"path": self.data, "target": "two_numbers", "predictions_path": preds,
                                            "predictions": "p", "chunk_rows": 100}, model, {"path": out})
            r = tessera(["run", job, "--json"])
            self.assertEqual(r.returncode, 0, r.stderr)
            d = last_json(r.stdout)
            m = d["metrics"]
            np.testing.assert_allclose(m["roc_auc"], roc_auc_score(scored, proba), rtol=1e-9)
            np.testing.assert_allclose(m["log_loss"], log_loss(scored, proba), rtol=1e-9)
            self.assertEqual(m["accuracy"], accuracy_score(scored, proba > 0.5))
            self.assertEqual(d["positive_class"], 7.0 if positive_class is None else 2.5)

    def test_evaluate_a_truth_of_one_class(self):
        # A test set of negatives only (-1): scored as scikit-learn does with its default pos_label = 1.
        rng = np.random.default_rng(4)
        proba = rng.random(300)
        path = self.path("negatives.h5")
        with h5py.File(path, "w") as f:
            f["y"], f["p"] = -np.ones(300), proba
        job = self.write_job("e.toml", {"path": path, "target": "y", "predictions": "p"},
                             {"type": "evaluate", "metrics": "classification"}, {"path": self.path("e.h5")})
        r = tessera(["run", job, "--json"])
        self.assertEqual(r.returncode, 0, r.stderr)
        d = last_json(r.stdout)
        self.assertEqual(d["classes"], [-1, 1])
        labels = np.where(proba > 0.5, 1, -1)
        self.assertEqual(d["metrics"]["accuracy"], accuracy_score(-np.ones(300), labels))
        np.testing.assert_allclose(d["metrics"]["log_loss"], log_loss(np.zeros(300), proba, labels=[0, 1]), rtol=1e-9)


class NotBinaryTest(TempDirTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(3)
        self.data = self.path("d.h5")
        y = np.where(rng.random(1000) < 0.5, 1.0, -1.0)
        y[0], y[1] = 1, -1
        three = y.copy()
        three[877] = 0  # in the ninth of ten chunks
        with h5py.File(self.data, "w") as f:
            f["X"] = rng.normal(size=(1000, 3))
            f["y"], f["three"], f["one"] = y, three, np.ones(1000)
            f["new_truth"] = np.where(np.arange(1000) == 432, 3.0, y)

    def bad(self, target, model=None, extra="", ranks=3):
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": self.data, "target": target, "chunk_rows": 100},
                             {"type": "logistic", **(model or {})}, {"path": out}, extra=extra)
        return self.run_bad_job(job, out, ranks=ranks)

    def test_a_third_value_is_named_with_its_row(self):
        for ranks in (2, 5):
            line = self.bad("three", ranks=ranks)
            self.assertIn(f"{self.data}:three has more than two values (row 0 is 1, row 1 is -1, row 877 is 0)", line)

    def test_one_value_is_refused(self):
        self.assertIn(f"{self.data}:one holds only class 1 (1000 rows): logistic regression needs both classes", self.bad("one"))

    def test_positive_class_not_among_the_values(self):
        line = self.bad("y", {"positive_class": 0})
        self.assertIn(f"positive_class = 0 is not one of the two values of {self.data}:y (-1 and 1)", line)

    def test_truth_of_predict_with_another_value(self):
        line = self.bad("y", extra=f'[predict]\npath = "{self.data}"\ntarget = "new_truth"\n')
        self.assertIn(f"{self.data}:new_truth row 432 is 3, not one of the target's two classes (-1 and 1)", line)

    def test_positive_class_of_another_type_is_refused(self):
        line = self.bad("y", {"positive_class": "yes"})
        self.assertIn("positive_class must be a number", line)
