"""Every kind of bad input: one line on stderr naming the file, dataset, key or row; exit code 2;
every rank exits (mpiexec returns, within the timeout); no output file, not even a temporary one."""
import os

import h5py
import numpy as np

from tessera_e2e import TempDirTest, error_lines, tessera

RANKS = 3


class BadInput(TempDirTest):
    def setUp(self):
        super().setUp()
        self.data = self.path("good.h5")
        rng = np.random.default_rng(0)
        with h5py.File(self.data, "w") as f:
            f.create_dataset("X", data=rng.normal(size=(400, 3)), chunks=(100, 3))
            f["y"] = rng.normal(size=400)
            f["y_short"] = rng.normal(size=399)
            f["vec"] = rng.normal(size=400)
            f["cube"] = rng.normal(size=(4, 10, 10))
            f["names"] = np.array([b"a", b"b"] * 200)
            f["pairs"] = np.zeros(400, dtype=[("a", "f8"), ("b", "i4")])
            f["nothing"] = np.zeros((0, 3))
            f["B_bad"] = rng.normal(size=(4, 2))
        self.out = self.path("out.h5")

    def run_job(self, data=None, model=None, output=None, sets=(), text=None):
        if text is not None:
            job = self.path("job.toml")
            with open(job, "w") as f:
                f.write(text)
        else:
            job = self.write_job("job.toml", {"path": self.data, **(data or {})}, model or {"type": "gram"},
                                 {"path": self.out, **(output or {})})
        args = ["run", job]
        for s in sets:
            args += ["--set", s]
        return tessera(args, ranks=RANKS)

    def assertBadInput(self, result, *fragments):
        self.assertEqual(result.returncode, 2, result.stderr)
        lines = error_lines(result.stderr)
        self.assertEqual(len(lines), 1, result.stderr)
        self.assertTrue(lines[0].startswith("tessera: error: "), lines[0])
        for fragment in fragments:
            self.assertIn(fragment, lines[0])
        self.assertNoOutputLeft(self.out)

    def with_bad_values(self, value, row, col):
        bad = self.path("bad.h5")
        X = np.random.default_rng(1).normal(size=(400, 3))
        X[row, col] = value
        with h5py.File(bad, "w") as f:
            f.create_dataset("X", data=X, chunks=(100, 3))
            f["y"] = np.zeros(400)
        return bad

    def test_file_missing(self):
        self.assertBadInput(self.run_job({"path": self.path("nope.h5")}), self.path("nope.h5"), "no such file")

    def test_file_is_a_directory(self):
        self.assertBadInput(self.run_job({"path": self.dir}), self.dir, "is a directory")

    def test_file_not_hdf5(self):
        txt = self.path("text.h5")
        with open(txt, "w") as f:
            f.write("hello")
        self.assertBadInput(self.run_job({"path": txt}), txt, "not an HDF5 file")

    def test_dataset_missing(self):
        self.assertBadInput(self.run_job({"features": "Z"}), self.data, "no dataset 'Z'")

    def test_features_not_2d(self):
        self.assertBadInput(self.run_job({"features": "vec"}), "vec", "must be 2-D")
        self.assertBadInput(self.run_job({"features": "cube"}), "cube", "must be 2-D")

    def test_target_length_differs(self):
        self.assertBadInput(self.run_job({"target": "y_short"}), "y_short", "399 rows", "400")

    def test_non_numeric_types(self):
        self.assertBadInput(self.run_job({"target": "names"}), "names", "non-numeric type string")
        self.assertBadInput(self.run_job({"target": "pairs"}), "pairs", "non-numeric type compound")

    def test_nan_names_row_and_column(self):
        bad = self.with_bad_values(np.nan, 237, 1)
        self.assertBadInput(self.run_job({"path": bad}), f"{bad}:X row 237 column 1 is NaN")

    def test_inf_names_row_and_column(self):
        bad = self.with_bad_values(-np.inf, 5, 2)
        self.assertBadInput(self.run_job({"path": bad}), f"{bad}:X row 5 column 2 is Inf")

    def test_empty_dataset(self):
        self.assertBadInput(self.run_job({"features": "nothing"}), "nothing", "is empty")

    def test_chunk_rows_not_positive(self):
        self.assertBadInput(self.run_job({"chunk_rows": 0}), "job.toml:", "chunk_rows must be positive, got 0")
        self.assertBadInput(self.run_job(sets=["data.chunk_rows=-3"]), "--set", "chunk_rows must be positive, got -3")

    def test_output_exists_without_overwrite(self):
        with open(self.out, "w") as f:
            f.write("precious")
        r = self.run_job()
        self.assertEqual(r.returncode, 2)
        self.assertIn("output file exists", r.stderr)
        self.assertEqual(len(error_lines(r.stderr)), 1)
        self.assertEqual(open(self.out).read(), "precious", "existing output was touched")

    def test_output_directory_missing(self):
        self.out = self.path("no/such/dir/out.h5")
        self.assertBadInput(self.run_job(), "no/such/dir", "does not exist")

    def test_malformed_toml_names_the_line(self):
        r = self.run_job(text='[data]\npath = "x.h5"\nchunk_rows = = 4\n')
        self.assertBadInput(r, "job.toml:3:", "malformed TOML")

    def test_unknown_key_suggests(self):
        r = self.run_job(text=f'[data]\npath = "{self.data}"\nfeaturs = "X"\n[model]\ntype = "gram"\n[output]\npath = "{self.out}"\n')
        self.assertBadInput(r, "job.toml:3:", "unknown key 'featurs' in [data]", "did you mean 'features'?")

    def test_unknown_model_type_suggests(self):
        self.assertBadInput(self.run_job(model={"type": "gramm"}), "unknown model type 'gramm'", "did you mean 'gram'?")

    def test_dot_incompatible_shapes(self):
        r = self.run_job({"a": "X", "b": "B_bad"}, model={"type": "dot"})
        self.assertBadInput(r, "dot:", "X is 400 x 3", "B_bad is 4 x 2")

    def test_missing_job_file(self):
        r = tessera(["run", self.path("absent.toml")], ranks=RANKS)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(error_lines(r.stderr)), 1)
        self.assertIn("absent.toml", r.stderr)

    def test_generate_rejects_bad_sizes(self):
        out = self.path("g.h5")
        r = tessera(["generate", "regression", "--rows", 0, "--cols", 3, out], ranks=RANKS)
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(error_lines(r.stderr)), 1, r.stderr)
        self.assertIn("--rows: must be at least 1, got 0", r.stderr)
        self.assertNoOutputLeft(out)
