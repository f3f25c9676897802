"""Smoke test: runs one example job from jobs/ on 3 ranks, in a fresh directory whose data/ was
made by scripts/example-data — the one command the README gives for the examples' data.

Usage: run_job.py JOB.toml. The job's paths are relative to the working directory, as for a user
who runs it from the repository root.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from tessera_e2e import BIN, SOURCE_DIR, TIMEOUT, tessera


def main(job):
    work = tempfile.mkdtemp(prefix="tessera-job-")
    try:
        r = subprocess.run([os.path.join(SOURCE_DIR, "scripts", "example-data"), work], capture_output=True, text=True,
                           timeout=TIMEOUT, env={**os.environ, "TESSERA_BIN": BIN})
        if r.returncode != 0:
            sys.exit(f"scripts/example-data failed: {r.stderr}")
        r = tessera(["run", job, "--json"], ranks=3, cwd=work)
        sys.stdout.write(r.stdout)
        sys.stderr.write(r.stderr)
        if r.returncode != 0:
            sys.exit(f"{job} failed with exit code {r.returncode}")
        print(f"{os.path.basename(job)}: ok")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(os.path.abspath(sys.argv[1]))
