"""The tessera binary as a user runs it: generate, inspect, run (gram, dot), graph."""
import filecmp
import os

import h5py
import numpy as np

from tessera_e2e import SOURCE_DIR, TempDirTest, error_lines, last_json, tessera


class Generate(TempDirTest):
    def test_bytes_do_not_depend_on_rank_count(self):
        files = [self.generate(f"g{n}.h5", 5000, 6, ranks=n, extra=["--chunk-rows", 700]) for n in (1, 2, 3)]
        self.assertTrue(filecmp.cmp(files[0], files[1], shallow=False))
        self.assertTrue(filecmp.cmp(files[0], files[2], shallow=False))

    def test_contents_follow_the_model(self):
        out = self.generate("r.h5", 20000, 5, extra=["--noise", "0.5", "--chunk-rows", "4096"])
        with h5py.File(out) as f:
            X, y, coef, expected = f["X"][:], f["y"][:], f["coef_true"][:], f["expected_y"][:]
            self.assertEqual(f["X"].chunks, (4096, 5))
        np.testing.assert_allclose(expected, X @ coef, rtol=1e-12, atol=1e-12)
        self.assertEqual(X.shape, (20000, 5))
        resid = y - X @ coef
        self.assertAlmostEqual(resid.std(), 0.5, delta=0.02)
        self.assertAlmostEqual(X.mean(), 0.0, delta=0.02)
        self.assertAlmostEqual(X.std(), 1.0, delta=0.02)

    def test_classification_labels_are_binary(self):
        out = self.generate("c.h5", 3000, 4, kind="classification")
        with h5py.File(out) as f:
            self.assertEqual(set(np.unique(f["y"][:])), {0.0, 1.0})
            p = 1 / (1 + np.exp(-f["X"][:] @ f["coef_true"][:]))
            np.testing.assert_allclose(f["expected_y"][:], p, rtol=1e-12)
            self.assertAlmostEqual(f["y"][:].mean(), p.mean(), delta=0.03)

    def test_first_row_continues_the_same_model(self):
        # A test set: rows 3000.. of the sequence a 5000-row file holds; none of a 3000-row file's.
        for kind in ("regression", "classification"):
            whole = self.generate(f"whole_{kind}.h5", 5000, 4, kind=kind, extra=["--chunk-rows", 700])
            tail = self.generate(f"tail_{kind}.h5", 2000, 4, kind=kind, extra=["--first-row", 3000, "--chunk-rows", 300])
            with h5py.File(whole) as w, h5py.File(tail) as t:
                for name in ("X", "y", "expected_y"):
                    np.testing.assert_array_equal(t[name][:], w[name][3000:], err_msg=f"{kind} {name}")
                np.testing.assert_array_equal(t["coef_true"][:], w["coef_true"][:])

    def test_inspect_lists_datasets(self):
        out = self.generate("i.h5", 1000, 3, extra=["--chunk-rows", 256])
        r = tessera(["inspect", out], ranks=1)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"X\s+1000 x 3\s+float64\s+256 x 3")
        self.assertRegex(r.stdout, r"y\s+1000\s+float64\s+256")
        self.assertRegex(r.stdout, r"coef_true\s+3\s+float64\s+contiguous")


class Gram(TempDirTest):
    def test_matches_numpy_and_is_bit_identical_on_1_2_3_5_ranks(self):
        data = self.generate("d.h5", 30011, 7, extra=["--chunk-rows", 3000])
        with h5py.File(data) as f:
            X, y = f["X"][:], f["y"][:]
        results = {}
        for n in (1, 2, 3, 5):
            out = self.path(f"out{n}.h5")
            job = self.write_job(f"j{n}.toml", {"path": data}, {"type": "gram"}, {"path": out})
            r = tessera(["run", job, "--json"], ranks=n)
            self.assertEqual(r.returncode, 0, r.stderr)
            summary = last_json(r.stdout)
            self.assertEqual(summary["ranks"], n)
            self.assertEqual(summary["output"], out)
            self.assertEqual(summary["tasks"], 11 * 3 + 10)  # 11 chunks x (2 reads + gram) + 10 sums
            self.assertGreater(summary["seconds"], 0)
            with h5py.File(out) as f:
                results[n] = (f["XtX"][:], f["Xty"][:], f["n"][()])
        XtX, Xty, count = results[1]
        np.testing.assert_allclose(XtX, X.T @ X, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(Xty, X.T @ y, rtol=1e-12, atol=1e-9)
        self.assertEqual(count, 30011)
        for n in (2, 3, 5):
            self.assertTrue(np.array_equal(results[n][0], XtX), f"XtX differs on {n} ranks")
            self.assertTrue(np.array_equal(results[n][1], Xty), f"Xty differs on {n} ranks")

    def test_integer_and_float32_inputs_are_converted(self):
        src = self.path("mixed.h5")
        rng = np.random.default_rng(1)
        Xi = rng.integers(-5, 5, size=(500, 3)).astype(np.int32)
        yf = rng.normal(size=500).astype(np.float32)
        with h5py.File(src, "w") as f:
            f["X"] = Xi
            f["y"] = yf
        out = self.path("o.h5")
        job = self.write_job("j.toml", {"path": src, "chunk_rows": 128}, {"type": "gram"}, {"path": out})
        r = tessera(["run", job], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            np.testing.assert_array_equal(f["XtX"][:], Xi.T.astype(np.float64) @ Xi.astype(np.float64))
            np.testing.assert_allclose(f["Xty"][:], Xi.T.astype(np.float64) @ yf.astype(np.float64), rtol=1e-12)

    def test_set_overrides_and_overwrite(self):
        data = self.generate("d.h5", 2000, 3)
        out = self.path("o.h5")
        job = self.write_job("j.toml", {"path": data}, {"type": "gram"}, {"path": out})
        self.assertEqual(tessera(["run", job], ranks=2).returncode, 0)
        r = tessera(["run", job, "--set", "output.overwrite=true", "--set", "data.chunk_rows=500", "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(last_json(r.stdout)["tasks"], 4 * 3 + 3)


class Dot(TempDirTest):
    def test_matches_numpy_on_several_rank_counts(self):
        src = self.path("ab.h5")
        rng = np.random.default_rng(3)
        A, B = rng.normal(size=(1003, 6)), rng.normal(size=(6, 4))
        with h5py.File(src, "w") as f:
            f.create_dataset("A", data=A, chunks=(100, 6))
            f["B"] = B
        for n in (1, 3, 5):
            out = self.path(f"c{n}.h5")
            job = self.write_job(f"j{n}.toml", {"path": src}, {"type": "dot"}, {"path": out})
            r = tessera(["run", job, "--json"], ranks=n)
            self.assertEqual(r.returncode, 0, r.stderr)
            with h5py.File(out) as f:
                np.testing.assert_allclose(f["C"][:], A @ B, rtol=1e-12, atol=1e-12)

    def test_vector_right_factor(self):
        data = self.generate("d.h5", 777, 5, extra=["--noise", "0"])
        out = self.path("c.h5")
        job = self.write_job("j.toml", {"path": data, "a": "X", "b": "coef_true", "chunk_rows": 100}, {"type": "dot"}, {"path": out})
        r = tessera(["run", job], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(data) as f, h5py.File(out) as o:
            np.testing.assert_allclose(o["C"][:, 0], f["y"][:], rtol=1e-12, atol=1e-12)


class GraphCommand(TempDirTest):
    def test_writes_dot_with_every_task(self):
        data = self.generate("d.h5", 1000, 3)
        job = self.write_job("j.toml", {"path": data, "chunk_rows": 250}, {"type": "gram"}, {"path": self.path("o.h5")})
        dot = self.path("g.dot")
        r = tessera(["graph", job, "-o", dot], ranks=1)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(dot) as f:
            text = f.read()
        self.assertTrue(text.startswith("digraph tessera {"))
        self.assertEqual(text.count("label=\"read_rows"), 8)
        self.assertEqual(text.count("label=\"gram"), 4)
        self.assertEqual(text.count("label=\"sum"), 3)
        self.assertEqual(text.count(" -> "), 4 * 2 + 3 * 2)
        self.assertFalse(os.path.exists(self.path("o.h5")), "graph must not run the job")


class Errors(TempDirTest):
    def test_help_and_usage(self):
        r = tessera(["--help"], ranks=1)
        self.assertEqual(r.returncode, 0)
        self.assertIn("generate", r.stdout)
        r = tessera(["run"], ranks=2)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(error_lines(r.stderr)), 1, r.stderr)


class Keys(TempDirTest):
    def test_docs_list_the_keys_the_parser_checks(self):
        # docs/job-file.md holds `tessera keys`'s output verbatim: the table the parser follows.
        r = tessera(["keys"], ranks=1)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(SOURCE_DIR, "docs", "job-file.md")) as f:
            doc = f.read()
        begin, end = "<!-- tessera keys: begin -->\n", "<!-- tessera keys: end -->"
        self.assertIn(begin, doc)
        self.assertEqual(doc[doc.index(begin) + len(begin):doc.index(end)], r.stdout,
                         "docs/job-file.md's key tables differ from `tessera keys`: paste its output between the markers")
        for name in ("gram", "dot", "ols", "ridge", "logistic", "evaluate"):
            self.assertIn(f'### `type = "{name}"`', r.stdout)
        self.assertIn("| `alpha` | 1 |", r.stdout)
