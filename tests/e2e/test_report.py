"""The HTML report (`--report FILE.html`, `tessera report`): opened in a real headless Chromium
with no network, no console errors and no blank figure; every figure titled with labelled axes;
and its pictures drawn from the right numbers — the ROC curve's points are scikit-learn's, the
confidence intervals statsmodels', the convergence what the solver compared with its tolerance."""
import json
import math
import os
import re
import shutil
import sys
import tempfile
import unittest

import h5py
import numpy as np

from tessera_e2e import SOURCE_DIR, last_json, tessera

sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "report"))
from browser_check import check_report  # noqa: E402

ROWS = 20_000


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tessera-report-")
        cls.regression = cls.generate("regression", "reg.h5", 6)
        cls.classification = cls.generate("classification", "cls.h5", 5)
        cls.runs = {}
        cls.run_job("ridge", cls.regression, 'type = "ridge"\n',
                '[cv]\nfolds = 3\n[search]\ngrid = { alpha = { logspace = [-3, 3, 8] } }\n')
        cls.run_job("logistic", cls.classification, 'type = "logistic"\n',
                '[cv]\nfolds = 3\n[search]\ngrid = { C = { logspace = [-3, 2, 4] } }\nscoring = "accuracy"\n')
        cls.run_job("ols", cls.regression, 'type = "ols"\n', "")
        cls.run_job("evaluate", cls.classification, 'type = "evaluate"\nmetrics = "classification"\n', "",
                data_extra='predictions = "expected_y"\n')
        cls.run_job("gram", cls.regression, 'type = "gram"\n', "")
        cls.run_job("kmeans", cls.classification, 'type = "kmeans"\nn_init = 2\n', '[search]\ngrid = { k = [2, 3, 4, 6] }\n',
                    data_extra='features = "X"\n')

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    @classmethod
    def path(cls, name):
        return os.path.join(cls.dir, name)

    @classmethod
    def generate(cls, kind, name, cols):
        r = tessera(["generate", kind, "--rows", ROWS, "--cols", cols, "--seed", 11, "--chunk-rows", 4096, cls.path(name)],
                    ranks=2)
        assert r.returncode == 0, r.stderr
        return cls.path(name)

    @classmethod
    def run_job(cls, name, data, model, extra, data_extra=""):
        job = cls.path(f"{name}.toml")
        with open(job, "w") as f:
            f.write(f'[data]\npath = "{data}"\n{data_extra}[model]\n{model}{extra}'
                    f'[output]\npath = "{cls.path(name + ".h5")}"\noverwrite = true\n')
        html, trace = cls.path(f"{name}.html"), cls.path(f"{name}.json")
        r = tessera(["run", job, "--json", "--report", html, "--trace", trace], ranks=3)
        assert r.returncode == 0, r.stderr
        cls.runs[name] = {"summary": last_json(r.stdout), "html": html, "trace": trace, "output": cls.path(name + ".h5")}

    def check(self, name, titles):
        """Opens the report in Chromium; returns the figures, after checking each expected title
        (a regular expression) has one."""
        result = check_report(self.runs[name]["html"], screenshot=self.path(f"{name}.png"))
        self.assertEqual(result["console_errors"], [])
        self.assertEqual(result["requests"], [], "the page fetched something")
        self.assertTrue(result["ok"], result["problems"])
        figures = result["figures"]
        for f in figures:
            for field in ("title", "x_label", "y_label"):
                self.assertTrue(f[field].strip(), f"a figure without {field}: {f}")
            self.assertFalse(f["blank"], f"figure '{f['title']}' is blank")
        for pattern in titles + ["^Tasks on each rank", "utilisation over time"]:
            self.assertTrue(any(re.search(pattern, f["title"]) for f in figures), f"no figure '{pattern}' in {name}")
        return figures

    def svg_of(self, name, title):
        with open(self.runs[name]["html"]) as f:
            html = f.read()
        for svg in re.findall(r"<svg class=\"plot\".*?</svg>", html, re.S):
            if title in svg:
                return svg
        self.fail(f"no figure '{title}' in the {name} report")

    def test_search_report(self):
        self.check("ridge", [r"^Mean .* against alpha$", r"on each test fold against alpha"])
        # A logspace grid: the parameter's axis is logarithmic, labelled by decades.
        self.assertRegex(self.svg_of("ridge", "against alpha"), r">10[⁻⁰¹²³]")

    def test_logistic_report_shows_each_models_convergence(self):
        self.check("logistic", [r"against C$", r"^Convergence of each model"])
        summary = self.runs["logistic"]["summary"]
        models = summary["models"]
        self.assertEqual(len(models), 3 * 4 + 1, "folds x candidates, and the refit")
        for m in models:
            steps = m["relative_steps"]
            self.assertEqual(len(steps), m["iterations"] + 1, "one step measured per accepted point")
            if m["converged"]:
                self.assertLessEqual(steps[-1], summary["tol"], m)
            self.assertTrue(all(b < a for a, b in zip(steps, steps[1:])), f"Newton steps shrink: {steps}")

    def test_ols_forest_plot_holds_the_confidence_intervals_statsmodels_gives(self):
        import statsmodels.api as sm
        self.check("ols", [r"^Coefficients with 95% confidence intervals$"])
        with h5py.File(self.regression) as f:
            x, y = f["X"][:], f["y"][:]
        intervals = sm.OLS(y, sm.add_constant(x)).fit().conf_int(0.05)[1:]
        rows = re.findall(r"<title>(x\d+): (\S+) \[(\S+), (\S+)\]</title>", self.svg_of("ols", "Coefficients with 95%"))
        self.assertEqual(len(rows), x.shape[1])
        for (name, estimate, low, high), (ref_low, ref_high) in zip(rows, intervals):
            self.assertAlmostEqual(float(low), ref_low, delta=1e-3 * abs(ref_low), msg=name)
            self.assertAlmostEqual(float(high), ref_high, delta=1e-3 * abs(ref_high), msg=name)

    def test_evaluate_report_roc_curve_is_scikit_learns(self):
        from sklearn.metrics import confusion_matrix, roc_curve
        self.check("evaluate", [r"^Confusion matrix", r"^ROC curve$"])
        with h5py.File(self.classification) as f:
            labels, p = f["y"][:], f["expected_y"][:]
        with h5py.File(self.runs["evaluate"]["output"]) as f:
            fpr, tpr, cm = f["roc_fpr"][:], f["roc_tpr"][:], f["confusion_matrix"][:]
        np.testing.assert_array_equal(cm, confusion_matrix(labels, p > 0.5))
        ref_fpr, ref_tpr, _ = roc_curve(labels, p, drop_intermediate=False)
        # Every distinct score is a threshold: past 1001 points, evenly spaced ones of them, both ends kept.
        n, k = len(ref_fpr), min(1001, len(ref_fpr))
        self.assertEqual(len(fpr), k)
        at = [(i * (n - 1)) // (k - 1) for i in range(k)]
        np.testing.assert_allclose(fpr, ref_fpr[at], rtol=0, atol=1e-12)
        np.testing.assert_allclose(tpr, ref_tpr[at], rtol=0, atol=1e-12)
        self.assertEqual((fpr[0], tpr[0], fpr[-1], tpr[-1]), (0, 0, 1, 1))
        # The numbers in the confusion matrix's cells are the counts.
        cells = re.findall(r">(\d+)</text>", self.svg_of("evaluate", "Confusion matrix"))
        for count in cm.ravel():
            self.assertIn(str(count), cells)

    def test_kmeans_grid_report_draws_the_elbow_curve(self):
        self.check("kmeans", [r"^Inertia against k"])
        svg = self.svg_of("kmeans", "Inertia against k")
        self.assertEqual(len(re.findall(r"<circle", svg)), 4, "one point per k")
        # The curve falls with k, as the results it is drawn from.
        inertia = [r["inertia"] for r in self.runs["kmeans"]["summary"]["results"]]
        self.assertEqual(inertia, sorted(inertia, reverse=True))

    def test_gram_report_has_the_run_only(self):
        figures = self.check("gram", [])
        self.assertEqual(len(figures), 2)

    def test_report_rebuilt_from_the_trace_is_the_same_page(self):
        for name in ("ridge", "evaluate"):
            again = self.path(f"{name}.again.html")
            r = tessera(["report", self.runs[name]["trace"], "-o", again], ranks=1)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(again, "rb") as a, open(self.runs[name]["html"], "rb") as b:
                self.assertEqual(a.read(), b.read(), name)
        # From a copy of the results elsewhere, named with --results.
        moved = self.path("moved.h5")
        shutil.copy(self.runs["ols"]["output"], moved)
        r = tessera(["report", self.runs["ols"]["trace"], "-o", self.path("moved.html"), "--results", moved], ranks=1)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertTrue(check_report(self.path("moved.html"))["ok"])

    def test_report_with_its_results_gone_names_the_file(self):
        gone = self.path("gone.h5")
        r = tessera(["report", self.runs["ols"]["trace"], "-o", self.path("gone.html"), "--results", gone], ranks=1)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.startswith("tessera:")]
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("gone.h5", lines[0])
        self.assertFalse(os.path.exists(self.path("gone.html")))


if __name__ == "__main__":
    unittest.main()
