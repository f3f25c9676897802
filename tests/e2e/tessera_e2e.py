"""Helpers for end-to-end tests: run the real `tessera` binary under mpiexec, make HDF5 inputs."""
import glob
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


def tessera(args, ranks=3, cwd=None, timeout=TIMEOUT, mca=None):
    """Runs `mpiexec -n RANKS tessera ARGS`; returns the CompletedProcess (text output).
    `mca`: Open MPI parameters for this run, e.g. {"btl": "self,tcp"}."""
    cmd = [MPIEXEC, "-q", "-n", str(ranks)]
    for name, value in (mca or {}).items():
        cmd += ["--mca", name, value]
    cmd += [BIN] + [str(a) for a in args]
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


class Tmpfs:
    """A tmpfs of `size` bytes mounted at a fresh directory for the test (root only, as the
    project's test machines are): a small, real file system that really fills up."""

    def __init__(self, size, read_only=False):
        self.size, self.read_only = size, read_only

    def __enter__(self):
        if os.geteuid() != 0:
            raise RuntimeError("these tests mount a tmpfs and need root")
        self.path = tempfile.mkdtemp(prefix="tessera-tmpfs-")
        options = f"size={self.size}" + (",ro" if self.read_only else "")
        subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", self.path], check=True)
        return self

    def __exit__(self, *exc):
        subprocess.run(["umount", "-l", self.path], check=False)
        os.rmdir(self.path)

    def free(self):
        s = os.statvfs(self.path)
        return s.f_bavail * s.f_frsize

    def fill(self, leave):
        """Writes a filler file so that about `leave` bytes stay free (or until the disk is full:
        another writer may be racing for the space)."""
        with open(os.path.join(self.path, "filler"), "ab") as f:
            left = max(0, self.free() - leave)
            try:
                while left > 0:
                    n = min(left, 1 << 20)
                    f.write(b"\0" * n)
                    f.flush()
                    left -= n
            except OSError as e:
                if e.errno != 28:  # ENOSPC
                    raise

    def entries(self):
        return sorted(n for n in os.listdir(self.path) if n != "filler")


def temporaries(folder):
    """tessera's temporary files (.NAME.tmp-HOST-PID) in `folder`."""
    return [n for n in os.listdir(folder) if n.startswith(".") and ".tmp-" in n]


def stored_records(store):
    """Whole checkpoint index entries (48 bytes each) the ranks have flushed to `store` so far."""
    return sum(os.path.getsize(f) // 48 for f in glob.glob(os.path.join(store, "*.pack.idx")))


def tessera_processes(marker):
    """PIDs of tessera ranks (not mpiexec) whose command line contains `marker`."""
    pids = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv and os.path.basename(argv[0].decode()) == os.path.basename(BIN) and marker.encode() in b" ".join(argv):
            pids.append(int(pid))
    return pids


def start(args, ranks=3, cwd=None, env=None):
    """Starts `mpiexec -n RANKS tessera ARGS` in the background (text pipes); `env`: more
    environment variables."""
    cmd = [MPIEXEC, "-q", "-n", str(ranks), BIN] + [str(a) for a in args]
    return subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})


def wait_for(predicate, timeout=60, what="a condition"):
    """Polls `predicate` every 10 ms; fails after `timeout` seconds."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def mpi_rank_of(pid):
    """The MPI rank of a process mpiexec started (Open MPI puts it in the environment)."""
    with open(f"/proc/{pid}/environ", "rb") as f:
        for entry in f.read().split(b"\0"):
            if entry.startswith(b"OMPI_COMM_WORLD_RANK="):
                return int(entry.split(b"=", 1)[1])
    raise AssertionError(f"process {pid} has no MPI rank")
