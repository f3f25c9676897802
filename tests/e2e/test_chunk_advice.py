"""Chunk size for many workers: a file's chunking that leaves workers idle, or makes tasks too
short for rank 0, is warned about once with a chunk_rows to use; `chunk_rows = "auto"` picks one itself,
keeps the file's chunking (and so the bits) when that is good, and its results equal numpy's."""
import h5py
import numpy as np

from tessera_e2e import TempDirTest, error_lines, last_json, tessera

WORKERS = 8  # oversubscribed: 9 ranks on 2 cores


class ChunkAdvice(TempDirTest):
    def run_gram(self, data, chunk_rows=None, ranks=WORKERS + 1, name="gram"):
        """Runs a gram job; returns (its warnings and info lines, --json summary, output path)."""
        source = {"path": data}
        if chunk_rows is not None:
            source["chunk_rows"] = chunk_rows
        out = self.path(f"{name}.h5")
        job = self.write_job(f"{name}.toml", source, {"type": "gram"}, {"path": out, "overwrite": True})
        r = tessera(["run", job, "--json", "--set", "output.overwrite=true"], ranks=ranks, timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        return [l for l in error_lines(r.stderr) if "chunk" in l], last_json(r.stdout), out

    def assertGramEqualsNumpy(self, data, out):
        with h5py.File(data) as f:
            x = f["X"][...]
        with h5py.File(out) as f:
            np.testing.assert_allclose(f["XtX"][...], x.T @ x, rtol=1e-12, atol=1e-9)

    def test_short_tasks_are_warned_about_and_auto_fixes_them(self):
        # 100-row chunks of 16 columns take microseconds: rank 0's ~40 µs per chunk is the limit.
        data = self.generate("short.h5", 200_000, 16, extra=("--chunk-rows", 100))
        lines, summary, out = self.run_gram(data)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("warning", lines[0])
        self.assertIn(f"{data}:X", lines[0])
        self.assertIn("too short for 8 workers", lines[0])
        suggested = int(lines[0].split("chunk_rows = ")[1].split()[0])
        self.assertGreater(suggested, 100)
        self.assertEqual(summary["tasks"], 4 * 2000 - 1)  # 2,000 chunks: two reads, XᵀX, a sum each

        lines, summary, auto_out = self.run_gram(data, "auto", name="auto")
        self.assertEqual(len(lines), 1, lines)
        self.assertIn(f'chunk_rows = "auto" chose {suggested} rows', lines[0])
        self.assertNotIn("warning", lines[0])
        chunks = -(-200_000 // suggested)
        self.assertEqual(summary["tasks"], 4 * chunks - 1)
        self.assertGreaterEqual(chunks, WORKERS, "every worker has a chunk")
        self.assertGramEqualsNumpy(data, auto_out)

        # The advice taken as a number is the same job: the same bytes.
        lines, _, given_out = self.run_gram(data, suggested, name="given")
        self.assertEqual(lines, [])
        # A chunk_rows the user set is taken as given: no advice, even for the same 100 rows.
        lines, _, _ = self.run_gram(data, 100, name="explicit")
        self.assertEqual(lines, [])
        with open(auto_out, "rb") as a, open(given_out, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_too_few_chunks_for_the_workers(self):
        data = self.generate("few.h5", 1_200_000, 16, extra=("--chunk-rows", 600_000))
        lines, _, _ = self.run_gram(data)
        self.assertEqual(len(lines), 1, lines)
        self.assertIn("2 chunks of 600000 rows for 8 workers leave 6 of them with nothing to do", lines[0])
        lines, summary, out = self.run_gram(data, "auto", name="auto")
        chunks = (summary["tasks"] + 1) // 4
        self.assertGreaterEqual(chunks, WORKERS, lines)
        self.assertGramEqualsNumpy(data, out)

    def test_small_data_gets_no_advice(self):
        # 300 rows in 100-row chunks on 8 workers: the model finds 1 chunk better, but by microseconds.
        data = self.generate("small.h5", 300, 4, extra=("--chunk-rows", 100))
        lines, _, _ = self.run_gram(data)
        self.assertEqual(lines, [])

    def test_a_good_chunking_is_left_alone(self):
        # 2 workers, 64 chunks of the file's 4,096 rows: no advice, and "auto" keeps the file's
        # chunking, so the bytes are those of the run without chunk_rows.
        data = self.generate("good.h5", 262_144, 16, extra=("--chunk-rows", 4096))
        lines, _, plain = self.run_gram(data, ranks=3, name="plain")
        self.assertEqual(lines, [])
        lines, _, auto = self.run_gram(data, "auto", ranks=3, name="auto")
        self.assertEqual(len(lines), 1, lines)
        self.assertIn('chose 4096 rows (64 chunks for 2 workers)', lines[0])
        with open(plain, "rb") as a, open(auto, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_a_chunk_rows_that_is_neither_a_number_nor_auto_is_bad_input(self):
        data = self.generate("d.h5", 1000, 4)
        out = self.path("out.h5")
        job = self.write_job("bad.toml", {"path": data, "chunk_rows": "big"}, {"type": "gram"}, {"path": out})
        line = self.run_bad_job(job, out)
        self.assertIn("bad.toml", line)
        self.assertIn('chunk_rows must be a positive integer or "auto"', line)


if __name__ == "__main__":
    import unittest
    unittest.main()
