"""The evaluate job: metrics of a predictions file against a truth file, against sklearn.metrics."""
import h5py
import numpy as np
from sklearn import metrics
from sklearn.metrics import roc_auc_score

from tessera_e2e import TempDirTest, last_json, tessera


class Evaluate(TempDirTest):
    def evaluate_job(self, kind, truth, predicted, chunk_rows, output):
        """Writes truth.h5:y and pred.h5:p and a job evaluating them; returns (job, output path)."""
        with h5py.File(self.path("truth.h5"), "w") as f:
            f["y"] = truth
        with h5py.File(self.path("pred.h5"), "w") as f:
            f["p"] = predicted
        out = self.path("metrics.h5")
        job = self.write_job("e.toml", {"path": self.path("truth.h5"), "predictions_path": self.path("pred.h5"),
                                        "predictions": "p", "chunk_rows": chunk_rows},
                             {"type": "evaluate", "metrics": kind}, {"path": out, **output})
        return job, out

    def run_evaluate(self, kind, truth, predicted, ranks=3, chunk_rows=250):
        job, out = self.evaluate_job(kind, truth, predicted, chunk_rows, {"overwrite": True})
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout)["metrics"], out, r.stderr

    def test_regression_metrics_match_sklearn_on_any_rank_count(self):
        rng = np.random.default_rng(3)
        y = rng.normal(size=1001) * 4 + 1e4  # a large mean: R² needs the merged moments to keep their digits
        yhat = y + rng.normal(size=1001)
        for ranks in (1, 2, 5):
            m, out, _ = self.run_evaluate("regression", y, yhat, ranks=ranks)
            np.testing.assert_allclose(m["mse"], metrics.mean_squared_error(y, yhat), rtol=1e-12)
            np.testing.assert_allclose(m["rmse"], np.sqrt(metrics.mean_squared_error(y, yhat)), rtol=1e-12)
            np.testing.assert_allclose(m["mae"], metrics.mean_absolute_error(y, yhat), rtol=1e-12)
            np.testing.assert_allclose(m["r2"], metrics.r2_score(y, yhat), rtol=1e-9)
            self.assertEqual(m["rows"], 1001)
        with h5py.File(out) as f:
            self.assertEqual(f["r2"][()], m["r2"])

    def test_classification_report_matches_sklearn(self):
        rng = np.random.default_rng(4)
        y = (rng.random(1500) < 0.4).astype(float)
        p = np.clip(np.round(0.3 * y + rng.random(1500) * 0.7, 2), 0, 1)  # rounded: many tied scores
        p[:3] = [0.0, 1.0, 0.5]  # clipped log-loss; p = 0.5 predicts 0
        m, out, report = self.run_evaluate("classification", y, p)
        labels = (p > 0.5).astype(float)
        np.testing.assert_allclose(m["accuracy"], metrics.accuracy_score(y, labels), rtol=1e-15)
        np.testing.assert_allclose(m["precision"], metrics.precision_score(y, labels), rtol=1e-15)
        np.testing.assert_allclose(m["recall"], metrics.recall_score(y, labels), rtol=1e-15)
        np.testing.assert_allclose(m["f1"], metrics.f1_score(y, labels), rtol=1e-15)
        np.testing.assert_allclose(m["log_loss"], metrics.log_loss(y, p), rtol=1e-12)
        np.testing.assert_allclose(m["roc_auc"], metrics.roc_auc_score(y, p), rtol=1e-14)
        self.assertEqual(m["confusion_matrix"], metrics.confusion_matrix(y, labels).tolist())
        per_class = metrics.precision_recall_fscore_support(y, labels)
        for c in (0, 1):
            np.testing.assert_allclose(m["per_class"][str(c)]["precision"], per_class[0][c], rtol=1e-15)
            np.testing.assert_allclose(m["per_class"][str(c)]["recall"], per_class[1][c], rtol=1e-15)
            self.assertEqual(m["per_class"][str(c)]["support"], per_class[3][c])
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["confusion_matrix"][:], metrics.confusion_matrix(y, labels))
        self.assertIn("precision", report)

    def bad(self, kind, truth, predicted):
        return self.run_bad_job(*self.evaluate_job(kind, truth, predicted, 10, {}))

    def test_bad_input(self):
        y = np.zeros(40)
        y[5], y[23] = 1, 2
        self.assertIn("truth.h5:y has more than two values (row 0 is 0, row 5 is 1, row 23 is 2): classification needs a binary "
                      "target", self.bad("classification", y, np.zeros(40)))
        p = np.zeros(40)
        p[31] = 1.5
        self.assertIn("pred.h5:p row 31 is 1.5: classification metrics need the probability of class 1, in [0, 1]",
                      self.bad("classification", np.zeros(40), p))
        self.assertIn("pred.h5:p has 39 rows but", self.bad("regression", np.zeros(40), np.zeros(39)))
        self.assertIn("did you mean 'regression'", self.bad("regresion", np.zeros(40), np.zeros(40)))


class RocAucAtScale(TempDirTest):
    def run_auc(self, rows, seed):
        rng = np.random.default_rng(seed)
        y = (rng.uniform(size=rows) < 0.3).astype(float)
        p = np.clip(0.3 + 0.2 * (y - 0.3) + 0.25 * rng.normal(size=rows), 0, 1).round(6)  # many ties, too
        path = self.path(f"d{rows}.h5")
        with h5py.File(path, "w") as f:
            f.create_dataset("y", data=y, chunks=(65536,))
            f.create_dataset("p", data=p, chunks=(65536,))
        job = self.write_job(f"e{rows}.toml", {"path": path, "predictions": "p"}, {"type": "evaluate", "metrics": "classification"},
                             {"path": self.path(f"o{rows}.h5")})
        r = tessera(["run", job, "--json"], ranks=3, timeout=600)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), y, p

    def test_ten_million_rows_without_rows_on_rank_0(self):
        small, _, _ = self.run_auc(1_000_000, 1)
        big, y, p = self.run_auc(10_000_000, 2)
        self.assertAlmostEqual(big["metrics"]["roc_auc"], roc_auc_score(y, p), delta=1e-6)
        # The per-row data would be 16 bytes a row on rank 0: 144 MB more for the bigger file.
        grown = big["rank0_peak_memory_bytes"] - small["rank0_peak_memory_bytes"]
        self.assertLess(grown, 30e6, f"rank 0's memory grew by {grown / 1e6:.0f} MB with 9 million more rows")
