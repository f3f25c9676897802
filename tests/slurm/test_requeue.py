"""jobs/requeue.slurm under a real single-node Slurm (Debian's slurm-wlm and munge, started by
scripts/slurm-up): the job is signalled mid-run the way Slurm's --signal=USR1@SECONDS warns it,
tessera stores what finished and exits 75, the script requeues the job, and the requeued run
resumes and writes exactly the file an uninterrupted run writes."""
import glob
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from tessera_e2e import BIN, SOURCE_DIR, TempDirTest, tessera, wait_for  # noqa: E402

SCRIPTS = os.path.join(SOURCE_DIR, "scripts")


def run(*cmd, timeout=120, env=None):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, check=True, env=env).stdout


def job_state(job_id):
    out = subprocess.run(["scontrol", "show", "job", job_id], capture_output=True, text=True, timeout=30).stdout
    fields = dict(f.split("=", 1) for f in out.split() if "=" in f)
    return fields.get("JobState"), int(fields.get("Restarts", "0"))


class Requeue(TempDirTest):
    @classmethod
    def setUpClass(cls):
        subprocess.run([os.path.join(SCRIPTS, "slurm-up")], check=True, timeout=600)

    @classmethod
    def tearDownClass(cls):
        subprocess.run([os.path.join(SCRIPTS, "slurm-down")], check=False, timeout=120)

    def test_signalled_requeued_and_resumed_with_identical_output(self):
        data = self.generate("cls.h5", 1_000_000, 8, kind="classification", extra=("--chunk-rows", 8_000))
        search = '[cv]\nfolds = 3\n[search]\ngrid = { C = { logspace = [-2, 2, 6] } }\nscoring = "accuracy"\n'
        reference = self.write_job("reference.toml", {"path": data}, {"type": "logistic"}, {"path": self.path("ref.h5")}, search)
        r = tessera(["run", reference], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        job = self.write_job("job.toml", {"path": data}, {"type": "logistic"}, {"path": self.path("out.h5")}, search)
        store = self.path("job.checkpoint")

        env = dict(os.environ, TESSERA=BIN)
        log = self.path("slurm-%j.out")
        job_id = run("sbatch", "--parsable", "-O", "--ntasks=3", f"--output={log}", f"--chdir={self.dir}",
                     os.path.join(SOURCE_DIR, "jobs", "requeue.slurm"), job, store, env=env).strip()
        log = log.replace("%j", job_id)
        records = lambda: sum(os.path.getsize(f) // 48 for f in glob.glob(os.path.join(store, "*.pack.idx")))
        wait_for(lambda: records() >= 20, timeout=120, what="the first run to store results")
        # What Slurm's --signal=USR1@SECONDS does at the warning time: SIGUSR1 to every task.
        subprocess.run(["scancel", "--signal=USR1", job_id], check=True, timeout=30)
        wait_for(lambda: job_state(job_id) == ("COMPLETED", 1), timeout=240, what="the requeued job to complete")
        with open(log) as f:
            text = f.read()
        self.assertIn("interrupted by SIGUSR1", text)
        self.assertIn("interrupted (exit 75); requeueing job", text)
        self.assertIn(f"run 2 of job {job_id}", text)
        self.assertRegex(text, r"resuming with [\d,]+ stored results")
        self.assertRegex(text, r"[\d,]+ results read from the checkpoint store")
        with open(self.path("ref.h5"), "rb") as a, open(self.path("out.h5"), "rb") as b:
            self.assertEqual(a.read(), b.read(), "the requeued run's output differs from an uninterrupted run's")
