"""What the Slurm tests share: the private single-node Slurm of scripts/slurm-up (real slurmctld,
slurmd and munged from Debian's packages), started once per test class and stopped after it, and
the job record Slurm keeps (`scontrol show job`)."""
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
from tessera_e2e import BIN, SOURCE_DIR, TempDirTest  # noqa: E402

SCRIPTS = os.path.join(SOURCE_DIR, "scripts")
JOBS = os.path.join(SOURCE_DIR, "jobs")
# The node advertises more CPUs than the machine has (slurmd then trusts the config), so the batch
# scripts can ask for their 16 tasks on a 2-core machine; every Slurm test uses the same node.
CPUS = "16"


def run(*cmd, timeout=120, env=None, check=True):
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=timeout, check=check, env=env)


def job_record(job_id):
    """The fields of `scontrol show job ID` (JobState, ExitCode "code:signal", Restarts, ...)."""
    out = run("scontrol", "show", "job", job_id, timeout=30).stdout
    return dict(f.split("=", 1) for f in out.split() if "=" in f)


def job_state(job_id):
    fields = job_record(job_id)
    return fields.get("JobState"), int(fields.get("Restarts", "0"))


def exit_code(job_id):
    """The batch script's exit code as Slurm records it (ExitCode=code:signal)."""
    code, signal = job_record(job_id)["ExitCode"].split(":")
    return int(code), int(signal)


def job_env(**extra):
    """The environment a submitted script sees (sbatch exports ours): tessera from the build, and
    Open MPI's settings for running as root and more ranks than cores."""
    env = dict(os.environ, TESSERA=BIN, **extra)
    env["PATH"] = os.path.dirname(os.path.abspath(BIN)) + os.pathsep + env.get("PATH", "")
    return env


class SlurmTest(TempDirTest):
    @classmethod
    def setUpClass(cls):
        subprocess.run([os.path.join(SCRIPTS, "slurm-up")], check=True, timeout=600,
                       env=dict(os.environ, TESSERA_SLURM_CPUS=CPUS))

    @classmethod
    def tearDownClass(cls):
        subprocess.run([os.path.join(SCRIPTS, "slurm-down")], check=False, timeout=120)

    def sbatch(self, script, *args, wait=True, options=(), env=None):
        """Submits jobs/SCRIPT from the test's directory; returns (job id, sbatch's process).
        With wait, sbatch --wait returns when the job has ended, with the job's exit code."""
        log = self.path("slurm-%j.out")
        cmd = ["sbatch", "--parsable", f"--output={log}", f"--chdir={self.dir}", *options]
        if wait:
            r = run(*cmd, "--wait", os.path.join(JOBS, script), *args, timeout=600, env=env or job_env(), check=False)
            job_id = r.stdout.strip().split(";")[0]
            self.assertTrue(job_id.isdigit(), f"sbatch printed no job id: {r.stdout!r} {r.stderr!r}")
            return job_id, r
        r = run(*cmd, os.path.join(JOBS, script), *args, env=env or job_env())
        return r.stdout.strip().split(";")[0], r

    def log(self, job_id):
        with open(self.path(f"slurm-{job_id}.out")) as f:
            return f.read()
