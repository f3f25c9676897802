"""docs/reading-results.md stays true: each of its Python blocks runs against the files the jobs in
jobs/ write after scripts/example-data, in a fresh directory."""
import os
import re
import subprocess
import sys

from tessera_e2e import BIN, SOURCE_DIR, TIMEOUT, TempDirTest, tessera

JOBS = ["quickstart", "ols", "dot", "ridge_grid", "logistic_grid", "pca_ridge_grid", "evaluate"]


class ReadingResultsDoc(TempDirTest):
    def test_every_python_block_runs(self):
        r = subprocess.run([os.path.join(SOURCE_DIR, "scripts", "example-data"), self.dir], capture_output=True, text=True,
                           timeout=TIMEOUT, env={**os.environ, "TESSERA_BIN": BIN})
        self.assertEqual(r.returncode, 0, r.stderr)
        for job in JOBS:
            r = tessera(["run", os.path.join(SOURCE_DIR, "jobs", job + ".toml"), "-q"], ranks=3, cwd=self.dir)
            self.assertEqual(r.returncode, 0, r.stderr)
        with open(os.path.join(SOURCE_DIR, "docs", "reading-results.md")) as f:
            blocks = re.findall(r"```python\n(.*?)```", f.read(), re.S)
        self.assertGreaterEqual(len(blocks), 5)
        for i, block in enumerate(blocks):
            with self.subTest(block=i):
                r = subprocess.run([sys.executable, "-c", block], cwd=self.dir, capture_output=True, text=True, timeout=TIMEOUT)
                self.assertEqual(r.returncode, 0, f"block {i}:\n{block}\n{r.stderr}")
