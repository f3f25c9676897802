"""The README's tour, run exactly as written: the shell block under "A short tour", from the
repository root, with bash -e (any failing line fails the test)."""
import os
import re
import subprocess
import unittest

from tessera_e2e import SOURCE_DIR


def tour_block():
    with open(os.path.join(SOURCE_DIR, "README.md")) as f:
        text = f.read()
    section = text[text.index("## A short tour"):]
    return re.search(r"```sh\n(.*?)```", section, re.S).group(1)


class ReadmeTour(unittest.TestCase):
    def test_runs_as_written(self):
        script = tour_block()
        self.assertIn("scripts/bootstrap", script)
        # A clean environment, as a new user's shell: no MPI settings inherited from the test harness.
        env = {k: v for k, v in os.environ.items() if not k.startswith("OMPI_")}
        r = subprocess.run(["bash", "-e", "-c", script], cwd=SOURCE_DIR, env=env, capture_output=True, text=True, timeout=900)
        self.assertEqual(r.returncode, 0, f"stdout:\n{r.stdout[-3000:]}\nstderr:\n{r.stderr[-3000:]}")
        self.assertIn("tessera 0.", r.stdout)
        for made in ("data/big.h5", "data/labels.h5", "results/quickstart.h5", "results/ols.h5", "results/ridge_grid.h5",
                     "results/logistic_grid.h5", "quickstart.png"):
            self.assertTrue(os.path.exists(os.path.join(SOURCE_DIR, made)), made)


if __name__ == "__main__":
    unittest.main()
