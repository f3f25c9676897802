"""Installs tessera into a fresh prefix, builds tests/install/consumer against it with
find_package(tessera) and without -march=native, and runs it on 3 ranks."""
import os
import shutil
import subprocess
import sys
import tempfile


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
    return r


def main(build_dir, source_dir, mpiexec):
    work = tempfile.mkdtemp(prefix="tessera-install-")
    try:
        prefix = os.path.join(work, "prefix")
        run(["cmake", "--install", build_dir, "--prefix", prefix])
        for needed in ("include/tessera/core/contract.hpp", "lib/cmake/tessera/tesseraConfig.cmake", "bin/tessera"):
            if not os.path.exists(os.path.join(prefix, needed)):
                sys.exit(f"{needed} was not installed")
        consumer = os.path.join(work, "build")
        run(["cmake", "-S", os.path.join(source_dir, "tests", "install", "consumer"), "-B", consumer, "-G", "Ninja",
             f"-DCMAKE_PREFIX_PATH={prefix}", "-DCMAKE_BUILD_TYPE=Release"])
        run(["cmake", "--build", consumer])
        r = run([mpiexec, "-q", "-n", "3", os.path.join(consumer, "consumer")])
        if "workers 2 total 165" not in r.stdout:
            sys.exit(f"unexpected output: {r.stdout}")
        print(r.stdout.strip())
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
