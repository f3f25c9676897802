"""The kmeans job through the tessera binary: against scikit-learn's KMeans(algorithm="lloyd") from
the same starting centres, against a dense Lloyd written here in numpy, against scikit-learn's own
seeding for the quality of tessera's, bit-identical on 1, 2, 3 and 5 ranks, and every bad input."""
import os

import h5py
import numpy as np
from sklearn.cluster import KMeans

from tessera_e2e import TempDirTest, last_json, tessera


def dense_lloyd(X, centres, max_iter=300, tol=1e-4):
    """Lloyd's algorithm as scikit-learn defines its stopping rule, written out directly: labels by
    exact squared distance, centres as means; stop when no label changes or the centres move less
    than tol x the mean column variance (squared, summed), then label once more."""
    tolerance = tol * X.var(axis=0).mean()
    nearest = lambda c: ((X[:, None, :] - c[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    labels_old, strict = None, False
    for n_iter in range(1, max_iter + 1):
        labels = nearest(centres)
        new = np.array([X[labels == j].mean(axis=0) for j in range(len(centres))])
        shift = ((new - centres) ** 2).sum()
        centres = new
        if labels_old is not None and np.array_equal(labels, labels_old):
            strict = True
            break
        if shift <= tolerance:
            break
        labels_old = labels
    if not strict:
        labels = nearest(centres)
    inertia = ((X - centres[labels]) ** 2).sum()
    return centres, inertia, n_iter, np.bincount(labels, minlength=len(centres))


class KMeansData(TempDirTest):
    """Six blobs of unequal spread far from the origin (the data are centred first, as scikit-learn
    centres them), in chunks of 700 rows; starting centres drawn from the rows."""

    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(5)
        means = rng.normal(scale=6, size=(6, 4)) + 1000
        sizes = [900, 600, 500, 400, 350, 251]
        self.X = np.vstack([m + rng.normal(scale=s, size=(n, 4)) for m, s, n in zip(means, [1, 2, 1.5, 3, 0.7, 2.5], sizes)])
        self.X = self.X[rng.permutation(len(self.X))]
        self.data = self.path("d.h5")
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=self.X, chunks=(700, 4))
            for k in (3, 6, 9):
                f[f"init{k}"] = self.X[rng.choice(len(self.X), k, replace=False)]
            # Two equal starting centres: the second's cluster is empty after the first labelling.
            twins = self.X[rng.choice(len(self.X), 5, replace=False)]
            f["twins"] = np.vstack([twins, twins[:1]])
            f["wrong_shape"] = self.X[:6, :3]
        self.new = self.path("new.h5")
        self.Xn = rng.normal(scale=8, size=(1234, 4)) + 1000
        with h5py.File(self.new, "w") as f:
            f["X"] = self.Xn

    def fit(self, model, extra="", ranks=3, name="out.h5"):
        out = self.path(name)
        job = self.write_job("j.toml", {"path": self.data, "features": "X"}, {"type": "kmeans", **model},
                             {"path": out, "overwrite": True}, extra=extra)
        r = tessera(["run", job, "--json"], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), out

    def init(self, name):
        with h5py.File(self.data) as f:
            return f[name][:]


class FromGivenCentres(KMeansData):
    def test_matches_scikit_learn_and_a_dense_lloyd(self):
        for k, max_iter, tol in ((3, 300, 1e-4), (6, 300, 0.0), (9, 300, 1e-3), (6, 2, 1e-4)):
            with self.subTest(k=k, max_iter=max_iter, tol=tol):
                d, out = self.fit({"k": k, "init": f"{self.data}:init{k}", "max_iter": max_iter, "tol": tol})
                sk = KMeans(k, init=self.init(f"init{k}"), n_init=1, algorithm="lloyd", max_iter=max_iter, tol=tol).fit(self.X)
                np.testing.assert_allclose(d["centers"], sk.cluster_centers_, rtol=1e-10, atol=0)
                self.assertAlmostEqual(d["inertia"], sk.inertia_, delta=1e-10 * sk.inertia_)
                self.assertEqual(d["n_iter"], sk.n_iter_)
                self.assertEqual(d["sizes"], np.bincount(sk.labels_, minlength=k).tolist())
                centres, inertia, n_iter, sizes = dense_lloyd(self.X, self.init(f"init{k}"), max_iter, tol)
                np.testing.assert_allclose(d["centers"], centres, rtol=1e-10, atol=0)
                self.assertAlmostEqual(d["inertia"], inertia, delta=1e-10 * inertia)
                self.assertEqual(d["n_iter"], n_iter)
                self.assertEqual(d["sizes"], sizes.tolist())
                with h5py.File(out) as f:
                    np.testing.assert_array_equal(f["centers"][:], d["centers"])
                    self.assertEqual(f["inertia"][()], d["inertia"])
                    self.assertEqual(f["n_iter"][()], d["n_iter"])
                    np.testing.assert_array_equal(f["sizes"][:], d["sizes"])

    def test_an_empty_cluster_is_reseeded_as_scikit_learn_does(self):
        d, _ = self.fit({"k": 6, "init": f"{self.data}:twins"})
        sk = KMeans(6, init=self.init("twins"), n_init=1, algorithm="lloyd").fit(self.X)
        self.assertTrue(all(s > 0 for s in d["sizes"]), d["sizes"])
        np.testing.assert_allclose(d["centers"], sk.cluster_centers_, rtol=1e-10, atol=0)
        self.assertAlmostEqual(d["inertia"], sk.inertia_, delta=1e-10 * sk.inertia_)

    def test_predict_writes_each_rows_nearest_centre(self):
        d, out = self.fit({"k": 6, "init": f"{self.data}:init6"}, extra=f'[predict]\npath = "{self.new}"\nfeatures = "X"\n')
        centres = np.array(d["centers"])
        expected = ((self.Xn[:, None, :] - centres[None]) ** 2).sum(axis=2).argmin(axis=1)
        sk = KMeans(6, init=self.init("init6"), n_init=1, algorithm="lloyd").fit(self.X)
        np.testing.assert_array_equal(sk.predict(self.Xn), expected)
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["labels"][:], expected)


class OwnSeeding(KMeansData):
    def test_inertia_within_one_percent_of_scikit_learns_best(self):
        # Which local minimum a start falls into is luck (scikit-learn's k-means++ with one start
        # misses this data's best clustering about one seed in ten), so both sides are summed up
        # over 7 seeds by the median: tessera's best of n_init starts against scikit-learn's best
        # of as many.
        seeds = range(7)
        configs = (("k-means||", 1, "k-means++"), ("k-means++", 1, "k-means++"), ("k-means++", 3, "k-means++"),
                   ("random", 10, "random"))
        if os.environ.get("TESSERA_E2E_SUBSET"):  # under ASan: each seeding method once
            configs = configs[0], configs[2], configs[3]
        for init, n_init, sk_init in configs:
            # With one k-means++ start and more clusters than the data has (k = 9), the local
            # minimum is mostly luck: over 30 seeds tessera's mean was 0.6% above scikit-learn's,
            # over 7 either side of 1%. That k is tested with 3 starts instead.
            for k in (3, 6) if (init, n_init) == ("k-means++", 1) else (3, 6, 9):
                with self.subTest(init=init, n_init=n_init, k=k):
                    ours = []
                    for seed in seeds:
                        d, _ = self.fit({"k": k, "init": init, "n_init": n_init, "seed": seed})
                        self.assertEqual(sum(d["sizes"]), len(self.X))
                        ours.append(d["inertia"])
                    theirs = [KMeans(k, init=sk_init, n_init=n_init, algorithm="lloyd", random_state=seed).fit(self.X).inertia_
                              for seed in seeds]
                    self.assertLessEqual(np.median(ours), 1.01 * np.median(theirs), (ours, theirs))

    def test_grid_reports_every_k_as_its_own_run_would(self):
        d, out = self.fit({"init": "k-means++", "n_init": 2}, extra="[search]\ngrid = { k = [2, 4, 6] }\n")
        self.assertEqual([r["params"] for r in d["results"]], [{"k": 2}, {"k": 4}, {"k": 6}])
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["results/k"][:], [2, 4, 6])
            np.testing.assert_array_equal(f["results/inertia"][:], [r["inertia"] for r in d["results"]])
            for r in d["results"]:
                k = r["params"]["k"]
                alone, _ = self.fit({"k": k, "init": "k-means++", "n_init": 2}, name=f"alone{k}.h5")
                # Each run draws from its own stream (seed, k, start): the grid changes nothing.
                self.assertEqual(alone["centers"], r["centers"])
                self.assertEqual(alone["inertia"], r["inertia"])
                self.assertEqual(alone["n_iter"], r["n_iter"])
                self.assertEqual(alone["sizes"], r["sizes"])
                np.testing.assert_array_equal(f[f"results/k_{k}/centers"][:], r["centers"])
        inertias = [r["inertia"] for r in d["results"]]
        self.assertEqual(inertias, sorted(inertias, reverse=True))

    def test_bit_identical_on_1_2_3_and_5_ranks(self):
        for init in ("k-means||", "k-means++", "random"):
            with self.subTest(init=init):
                runs = [self.fit({"init": init, "n_init": 2}, extra="[search]\ngrid = { k = [3, 7] }\n", ranks=ranks)[0]
                        for ranks in (1, 2, 3, 5)]
                for other in runs[1:]:
                    self.assertEqual(other["results"], runs[0]["results"])


class BadInput(KMeansData):
    def refused(self, model, extra="", *fragments):
        out = self.path("bad.h5")
        job = self.write_job("bad.toml", {"path": self.data, "features": "X"}, {"type": "kmeans", **model},
                             {"path": out}, extra=extra)
        line = self.run_bad_job(job, out)
        for fragment in fragments:
            self.assertIn(fragment, line)

    def test_each_is_one_line_and_exit_2(self):
        rows = len(self.X)
        self.refused({"k": 0}, "", "k", "at least 1")
        self.refused({"k": rows + 1}, "", f"k = {rows + 1}", f"{rows} rows", "d.h5:X")
        self.refused({"k": 3, "init": "kmeans++"}, "", "unknown init 'kmeans++'", "k-means++")
        self.refused({"k": 6, "init": f"{self.data}:wrong_shape"}, "", "wrong_shape", "6 x 3", "4 features")
        self.refused({"k": 6, "init": f"{self.data}:missing"}, "", "missing")
        self.refused({"k": 6, "init": f"{self.data}:init6", "n_init": 3}, "", "n_init = 3")
        self.refused({"init": f"{self.data}:init6"}, "[search]\ngrid = { k = [2, 6] }\n", "varies k")
        self.refused({"k": 3}, "[cv]\nfolds = 3\n", "[cv] does not apply to kmeans")
        self.refused({"k": 3}, '[search]\ngrid = { k = [2, 3] }\nscoring = "r2"\n', "scoring", "inertia")
        self.refused({"k": 3}, "[search]\ngrid = { k = [2, 0] }\n", "grid", "k")
        self.refused({"k": 3}, "[search]\ngrid = { k = [2.5] }\n", "whole numbers")
        self.refused({}, f'[search]\ngrid = {{ k = [2, 3] }}\n[predict]\npath = "{self.new}"\n', "[predict]", "varies k")
        self.refused({"k": 3}, f'[predict]\npath = "{self.new}"\ntarget = "X"\n', "no target")
