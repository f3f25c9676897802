"""[cv] stratify = true through the tessera binary: without shuffling, exactly scikit-learn's
StratifiedKFold (every split score of a search agrees with GridSearchCV on those folds, which
holds only if every row is in the same fold); with shuffling, each fold's class counts within one
row of proportion, the same on any rank count; and the targets it refuses."""
import h5py
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import GridSearchCV, StratifiedKFold

from tessera_e2e import TempDirTest, last_json, tessera
from test_predict import tight_logistic


class StratifiedData(TempDirTest):
    """Rows in chunks of 97; labels whose first appearances are 2, 0, 1, clumped so that
    contiguous folds would be far from stratified; a ±1 target with more positives early on."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(5)
        n = 1003
        self.X = rng.normal(size=(n, 4))
        self.labels = np.where(np.arange(n) < 300, 2, np.where(rng.random(n) < 0.3, 0, 1)).astype(float)
        self.labels[1] = 0
        self.plus_minus = np.where(self.X @ [1, -1, 0.5, 0] + (np.arange(n) < 400) + rng.normal(size=n) > 0.5, 1.0, -1.0)
        self.continuous = self.X @ [1, 2, 3, 4] + rng.normal(size=n)
        self.data = self.path("d.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(97, 4))
            f["labels"], f["plus_minus"], f["continuous"] = self.labels, self.plus_minus, self.continuous

    def search(self, target, model, cv, grid, ranks=3, name="out.h5", scoring=None):
        out = self.path(name)
        extra = f"[cv]\n{cv}\n[search]\ngrid = {grid}\n" + (f'scoring = "{scoring}"\n' if scoring else "")
        job = self.write_job("j.toml", {"path": self.data, "target": target}, model, {"path": out, "overwrite": True},
                             extra=extra)
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out, r.stdout + r.stderr

    def assertSplitScoresMatch(self, d, gs, folds, rtol):
        res = gs.cv_results_
        for i, c in enumerate(d["cv_results"]):
            np.testing.assert_allclose(c["split_test_scores"], [res[f"split{k}_test_score"][i] for k in range(folds)],
                                       rtol=rtol, atol=1e-12)
        self.assertEqual(d["best_params"], gs.best_params_)


class Unshuffled(StratifiedData):
    def test_three_classes_match_stratifiedkfold_row_for_row(self):
        d, out, stdout = self.search("labels", {"type": "ridge"}, "folds = 5\nstratify = true", "{ alpha = [0.1, 10.0] }")
        gs = GridSearchCV(Ridge(), {"alpha": [0.1, 10.0]}, cv=StratifiedKFold(5)).fit(self.X, self.labels)
        self.assertSplitScoresMatch(d, gs, 5, 1e-9)
        # The classes in the order they first appear, and each fold's counts of each.
        self.assertEqual(d["stratified"]["classes"], [2, 0, 1])
        expected = [[int(np.sum(self.labels[test] == c)) for c in (2, 0, 1)]
                    for _, test in StratifiedKFold(5).split(self.X, self.labels)]
        self.assertEqual(d["stratified"]["fold_class_counts"], expected)
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["cv_fold_class_counts"][:], expected)
            np.testing.assert_array_equal(f["cv_classes"][:], [2, 0, 1])
        self.assertIn("stratified folds: 3 classes", stdout)

    def test_a_logistic_search_on_a_plus_minus_one_target(self):
        grid = [0.01, 1.0, 100.0]
        d, _, _ = self.search("plus_minus", {"type": "logistic", "tol": 1e-10}, "folds = 4\nstratify = true",
                              "{ C = [0.01, 1.0, 100.0] }", scoring="neg_log_loss")
        gs = GridSearchCV(tight_logistic(), {"C": grid}, cv=StratifiedKFold(4), scoring="neg_log_loss").fit(
            self.X, self.plus_minus)
        self.assertSplitScoresMatch(d, gs, 4, 1e-6)
        np.testing.assert_allclose(d["coef"], gs.best_estimator_.coef_[0], rtol=1e-6, atol=1e-9)
        self.assertEqual(d["stratified"]["classes"], [self.plus_minus[0], -self.plus_minus[0]])


class Shuffled(StratifiedData):
    def test_proportional_seeded_and_bit_identical_on_1_2_3_and_5_ranks(self):
        runs = []
        for ranks in (1, 2, 3, 5):
            d, out, _ = self.search("labels", {"type": "ridge"}, "folds = 5\nstratify = true\nshuffle = true\nseed = 3",
                                    "{ alpha = [1.0] }", ranks=ranks, name=f"out{ranks}.h5")
            with h5py.File(out) as f:
                runs.append({k: f[k][()] for k in ("split0_test_score", "split4_test_score", "cv_fold_class_counts", "coef")})
        for r in runs[1:]:
            for k in runs[0]:
                np.testing.assert_array_equal(r[k], runs[0][k], err_msg=k)
        counts = runs[0]["cv_fold_class_counts"]
        totals = [np.sum(self.labels == c) for c in (2, 0, 1)]
        self.assertTrue(np.all(np.abs(counts - np.array(totals) / 5) < 1), counts)
        self.assertEqual(counts.sum(axis=0).tolist(), totals)
        # Shuffled, the folds are not the unshuffled ones, and another seed gives others again.
        unshuffled = GridSearchCV(Ridge(alpha=1.0), {"alpha": [1.0]}, cv=StratifiedKFold(5)).fit(self.X, self.labels)
        self.assertNotAlmostEqual(runs[0]["split0_test_score"][0], unshuffled.cv_results_["split0_test_score"][0], places=6)
        d, _, _ = self.search("labels", {"type": "ridge"}, "folds = 5\nstratify = true\nshuffle = true\nseed = 4",
                              "{ alpha = [1.0] }", name="seed4.h5")
        self.assertNotEqual(d["cv_results"][0]["split_test_scores"][0], runs[0]["split0_test_score"][0])


class BadInput(StratifiedData):
    def refused(self, target, cv, ranks=3):
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": self.data, "target": target}, {"type": "ridge"}, {"path": out},
                             extra=f"[cv]\n{cv}\n")
        return self.run_bad_job(job, out, ranks=ranks)

    def test_a_continuous_target_names_its_row(self):
        line = self.refused("continuous", "folds = 3\nstratify = true")
        self.assertIn("[cv] stratify needs class labels, but row 0 of", line)
        self.assertIn(f"d.h5:continuous is {self.continuous[0]!r}"[:30], line)

    def test_a_class_too_small_for_the_folds(self):
        with h5py.File(self.data, "a") as f:
            few = self.labels.copy()
            few[[500, 700]] = 9
            f["few"] = few
        for ranks in (2, 5):
            line = self.refused("few", "folds = 3\nstratify = true", ranks=ranks)
            self.assertIn("class 9 of", line)
            self.assertIn("has 2 row(s), fewer than the 3 folds: some fold would hold none of it", line)

    def test_stratify_must_be_a_boolean(self):
        self.assertIn("stratify", self.refused("labels", 'folds = 3\nstratify = "yes"'))
