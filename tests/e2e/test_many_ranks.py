"""Many ranks on one machine, oversubscribed: gram, OLS (both solvers) and a logistic grid search
give the same bytes at 16, 32 and 64 ranks as at 2, over shared memory and over TCP with shared
memory off (the path ranks on different nodes take); the edge cases of many workers are right
(fewer chunks than workers, workers that read nothing, one-row chunks); no rank exits early and
none is left behind.

TESSERA_SCALE_RANKS (e.g. "16") limits the rank counts: the ASan suite runs a representative part,
the release suite all of it."""
import os

import h5py
import numpy as np

from tessera_e2e import TempDirTest, last_json, tessera, tessera_processes

RANKS = [int(r) for r in os.environ.get("TESSERA_SCALE_RANKS", "16 32 64").split()]
SHARED_MEMORY = {"btl": "self,vader"}
TCP = {"btl": "self,tcp"}
# 64 oversubscribed ranks on 2 cores start in seconds; a hang still fails.
TIMEOUT = 600

SEARCH = '[cv]\nfolds = 3\n[search]\ngrid = { C = { logspace = [-2, 2, 4] } }\nscoring = "accuracy"\n'
MODELS = {
    "gram": ("regression", {"type": "gram"}, ""),
    "ols": ("regression", {"type": "ols"}, ""),
    "ols_tsqr": ("regression", {"type": "ols", "solver": "tsqr"}, ""),
    "logistic_search": ("classification", {"type": "logistic"}, SEARCH),
}


class ManyRanks(TempDirTest):
    def setUp(self):
        super().setUp()
        # 60 chunks: fewer than the 63 workers of 64 ranks, more than the 15 of 16.
        self.data = {kind: self.generate(f"{kind}.h5", 6_000, 6, kind=kind, extra=("--chunk-rows", 100))
                     for kind in ("regression", "classification")}

    def run_job(self, name, ranks, mca, data=None, chunk_rows=None):
        """Runs one job; returns its output's bytes and its --json summary."""
        kind, model, extra = MODELS[name]
        out = self.path(f"{name}-{ranks}-{mca['btl']}.h5")
        source = {"path": data or self.data[kind]}
        if chunk_rows:
            source["chunk_rows"] = chunk_rows
        job = self.write_job(f"{name}-{ranks}.toml", source, model, {"path": out, "overwrite": True}, extra)
        r = tessera(["run", job, "--json"], ranks=ranks, mca=mca, timeout=TIMEOUT)
        self.assertEqual(r.returncode, 0, f"{name} on {ranks} ranks ({mca}):\n{r.stderr}")
        self.assertEqual(tessera_processes(job), [], "every rank has exited")
        summary = last_json(r.stdout)
        self.assertEqual(summary["ranks"], ranks)
        with open(out, "rb") as f:
            return f.read(), summary

    def test_every_rank_count_and_transport_gives_the_bits_of_two_ranks(self):
        for name in MODELS:
            expected, _ = self.run_job(name, 2, SHARED_MEMORY)
            cases = [(2, TCP)] + [(r, SHARED_MEMORY) for r in RANKS] + [(RANKS[-1], TCP)]
            for ranks, mca in cases:
                with self.subTest(model=name, ranks=ranks, btl=mca["btl"]):
                    got, summary = self.run_job(name, ranks, mca)
                    self.assertEqual(got, expected, f"{name}: {ranks} ranks over {mca['btl']} differ from 2 ranks")
                    if ranks == 64:
                        busy = [r for r in summary["profile"]["ranks"] if r["rank"] != 0 and r["hdf5_bytes_read"] > 0]
                        self.assertEqual(len(busy), 60, "60 chunks on 63 workers: one reader per chunk")

    def test_fewer_chunks_than_workers_and_workers_with_none(self):
        data = self.generate("five.h5", 500, 4, extra=("--chunk-rows", 100))
        with h5py.File(data) as f:
            X, y = f["X"][:], f["y"][:]
        for name in ("gram", "ols"):
            with self.subTest(model=name):
                expected, _ = self.run_job(name, 2, SHARED_MEMORY, data=data)
                got, summary = self.run_job(name, RANKS[0], SHARED_MEMORY, data=data)
                self.assertEqual(got, expected)
                readers = [r for r in summary["profile"]["ranks"] if r["hdf5_bytes_read"] > 0]
                idle = [r for r in summary["profile"]["ranks"] if r["rank"] != 0 and r["tasks"] == 0]
                self.assertEqual(len(readers), 5, "five chunks are read by five workers")
                self.assertGreater(len(idle), 0, "and some workers have nothing to do")
        with h5py.File(self.path(f"ols-{RANKS[0]}-self,vader.h5")) as f:
            beta = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), y, rcond=None)[0]
            np.testing.assert_allclose(f["coef"][:], beta[:-1], rtol=1e-9)

    def test_one_row_chunks(self):
        data = self.generate("rows.h5", 300, 3)
        with h5py.File(data) as f:
            X, y = f["X"][:], f["y"][:]
        expected, _ = self.run_job("gram", 2, SHARED_MEMORY, data=data, chunk_rows=1)
        got, summary = self.run_job("gram", RANKS[0], SHARED_MEMORY, data=data, chunk_rows=1)
        self.assertEqual(got, expected)
        self.assertEqual(summary["profile"]["passes"], 1.0)
        with h5py.File(self.path(f"gram-{RANKS[0]}-self,vader.h5")) as f:
            np.testing.assert_allclose(f["XtX"][:], X.T @ X, rtol=1e-12)
            np.testing.assert_allclose(f["Xty"][:].ravel(), X.T @ y, rtol=1e-12)
