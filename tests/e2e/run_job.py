"""Smoke test: runs one example job from jobs/ on 3 ranks against freshly generated sample data.

Usage: run_job.py JOB.toml. The job's paths are relative to the working directory, as for a user
who runs it from the repository root after scripts/demo made data/.
"""
import os
import shutil
import subprocess
import sys
import tempfile

from tessera_e2e import tessera

SAMPLES = [  # (file, kind, rows, cols)
    ("data/quickstart.h5", "regression", 20000, 16),
    ("data/regression.h5", "regression", 20000, 8),
    ("data/classification.h5", "classification", 20000, 8),
    ("data/new.h5", "regression", 5000, 8),
]


def main(job):
    work = tempfile.mkdtemp(prefix="tessera-job-")
    try:
        os.makedirs(os.path.join(work, "data"))
        os.makedirs(os.path.join(work, "results"))
        for name, kind, rows, cols in SAMPLES:
            r = tessera(["generate", kind, "--rows", rows, "--cols", cols, "--seed", 1, "--chunk-rows", 4096, name], ranks=2, cwd=work)
            if r.returncode != 0:
                sys.exit(f"generating {name} failed: {r.stderr}")
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
