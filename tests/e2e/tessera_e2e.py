"""Helpers for end-to-end tests: run the real `tessera` binary under mpiexec, make HDF5 inputs."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest

BIN = os.environ.get("TESSERA_BIN", "tessera")
MPIEXEC = os.environ.get("TESSERA_MPIEXEC", "mpiexec")
SOURCE_DIR = os.environ.get("TESSERA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))

# Every call is bounded: a hang is a failure, not a stuck test run.
TIMEOUT = 120


def tessera(args, ranks=3, cwd=None, timeout=TIMEOUT):
    """Runs `mpiexec -n RANKS tessera ARGS`; returns the CompletedProcess (text output)."""
    cmd = [MPIEXEC, "-q", "-n", str(ranks), BIN] + [str(a) for a in args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])


def error_lines(stderr):
    """The lines tessera itself printed to stderr."""
    return [l for l in stderr.splitlines() if l.startswith("tessera:")]


class TempDirTest(unittest.TestCase):
    """A test case with a fresh directory, removed afterwards."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tessera-e2e-")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def write_job(self, name, data, model, output, extra=""):
        """Writes a job file; `data`, `model`, `output` are dicts of TOML-ready values."""
        def table(title, values):
            lines = [f"[{title}]"]
            for k, v in values.items():
                lines.append(f"{k} = {json.dumps(v) if not isinstance(v, bool) else str(v).lower()}")
            return "\n".join(lines) + "\n"
        text = table("data", data) + table("model", model) + table("output", output) + extra
        with open(self.path(name), "w") as f:
            f.write(text)
        return self.path(name)

    def generate(self, name, rows, cols, ranks=2, kind="regression", extra=()):
        out = self.path(name)
        r = tessera(["generate", kind, "--rows", rows, "--cols", cols, "--seed", 7, *extra, out], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return out

    def run_bad_job(self, job, output, ranks=3):
        """Runs a job that must be refused: exit code 2, one tessera line (returned), no output left."""
        r = tessera(["run", job], ranks=ranks)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertNoOutputLeft(output)
        return lines[0]

    def assertNoOutputLeft(self, output):
        """Neither the output nor any temporary file of it exists."""
        self.assertFalse(os.path.exists(output), f"{output} was left behind")
        folder = os.path.dirname(output) or "."
        if not os.path.isdir(folder):
            return
        leftovers = [f for f in os.listdir(folder) if f.startswith("." + os.path.basename(output))]
        self.assertEqual(leftovers, [], "temporary output left behind")
