"""Builds tessera the way a cluster user does (docs/install.md): as an unprivileged user, from a
clean copy of the sources, in a login-style shell where Lmod's `module load` provides the compiler,
Open MPI, parallel HDF5, Boost, OpenBLAS, Eigen and the small libraries (tests/install/modulefiles,
which point at Debian's packages the way a site's modules point at theirs). Configures with
TESSERA_NATIVE=OFF, builds, installs into the user's own prefix, and runs a gram job on 3 ranks with
the installed binary, checked against numpy.

Checks: CMake took parallel HDF5 from the module's HDF5_ROOT (not a wrapper on PATH), the compiler
from the module's CXX and mpiexec from MPI_HOME; no compile command has -march=native; everything
installed lies under the user's prefix; the binary links the parallel HDF5 library; the job's XᵀX,
Xᵀy and n match numpy's on the same file; and the user left no file anywhere but in the test's
directory.

Usage (root, which it needs to become another user): check_module_build.py SOURCE_DIR [--keep]
"""
import grp
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

USER, GROUP = "nobody", "nogroup"
# What a cluster user loads (the modulefiles' depends_on would add gcc and openmpi by themselves).
MODULES = ["gcc", "openmpi", "hdf5-openmpi", "boost", "openblas", "eigen",
           "tomlplusplus", "cli11", "spdlog", "nlohmann-json", "xxhash"]
# What a login shell on Debian sources to set up Lmod (the lmod package installs both).
LMOD_INITS = ["/etc/profile.d/lmod.sh", "/usr/share/lmod/lmod/init/profile"]
ROWS, COLS, CHUNK_ROWS, RANKS = 30011, 6, 5120, 3


def fail(message):
    sys.exit(f"check_module_build: FAILED: {message}")


running = []  # the step's process group, killed with it if the test itself is stopped


def kill_group(p):
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def stop(signum, _frame):
    for p in running:
        kill_group(p)
    fail(f"stopped by signal {signum}")


def run(cmd, timeout, what, env=None, cwd=None):
    """Runs cmd in its own session with a timeout; on timeout the whole process group is killed
    (make, the compilers, mpirun and its ranks included). Fails the test on a non-zero exit."""
    started = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=cwd,
                         start_new_session=True)
    running.append(p)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(p)
        out, _ = p.communicate()
        fail(f"{what} took longer than {timeout} s; its output ends:\n{out[-6000:]}")
    finally:
        running.remove(p)
    if p.returncode != 0:
        fail(f"{what} failed (exit code {p.returncode}); its output ends:\n{out[-6000:]}")
    print(f"check_module_build: {what}: {time.monotonic() - started:.1f} s", flush=True)
    return out


class UserShell:
    """A fresh login-style bash as USER for every step: a clean environment (no PATH but the
    system's, none of root's variables), Lmod set up as a login shell does, the modules loaded."""

    def __init__(self, work, modulefiles):
        self.work, self.modulefiles = work, modulefiles
        self.lmod_init = next((f for f in LMOD_INITS if os.path.exists(f)), None)
        if self.lmod_init is None:
            fail(f"Lmod is not installed (none of {LMOD_INITS}): apt-get install lmod (scripts/bootstrap does)")
        self.env = {"HOME": os.path.join(work, "home"), "USER": USER, "LOGNAME": USER, "SHELL": "/bin/bash",
                    "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "TMPDIR": os.path.join(work, "tmp")}
        # Open MPI settings the caller gives (ctest: oversubscription, idle ranks yielding the CPU).
        self.env.update({k: v for k, v in os.environ.items() if k.startswith("OMPI_MCA_")})

    def __call__(self, script, timeout, what):
        prologue = (f"set -e -o pipefail\n. {shlex.quote(self.lmod_init)}\n"
                    f"module use {shlex.quote(self.modulefiles)}\nmodule load {' '.join(MODULES)}\n"
                    f"cd {shlex.quote(self.work)}\n")
        cmd = ["setpriv", f"--reuid={USER}", f"--regid={GROUP}", "--clear-groups",
               "bash", "--noprofile", "--norc", "-c", prologue + script]
        return run(cmd, timeout, what, env=self.env, cwd="/")


def copy_sources(source_dir, dest):
    """The working tree as a clean checkout sees it: tracked and new files, nothing git ignores
    (build/, data/, results/); a tree without git is copied without those directories."""
    try:
        listed = subprocess.run(["git", "-C", source_dir, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                                capture_output=True, timeout=60, check=True).stdout.decode().split("\0")
    except (OSError, subprocess.SubprocessError):
        listed = None
    if listed is None:
        shutil.copytree(source_dir, dest, symlinks=True,
                        ignore=shutil.ignore_patterns(".git", "build", "data", "results", "__pycache__"))
        return
    for rel in filter(None, listed):
        src = os.path.join(source_dir, rel)
        if not os.path.lexists(src):  # deleted in the working tree, not yet in the index
            continue
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel), follow_symlinks=False)


def chown_tree(path, uid, gid):
    os.chown(path, uid, gid)
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), uid, gid)


def read_cache(build):
    cache = {}
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        for line in f:
            m = re.match(r"([^#/][^:=]*):[A-Z]+=(.*)$", line.rstrip("\n"))
            if m:
                cache[m.group(1)] = m.group(2)
    return cache


def module_environment(shell):
    """The variables the modules set, as the user's shell sees them after `module load`."""
    out = shell("printf '\\n@@ENV@@\\n'; env -0", 120, "module load")
    env = {}
    for item in out.split("@@ENV@@\n", 1)[1].split("\0"):
        if "=" in item:
            k, v = item.split("=", 1)
            env[k] = v
    for needed in ("HDF5_ROOT", "MPI_HOME", "CXX", "Eigen3_DIR", "BOOST_ROOT", "CMAKE_PREFIX_PATH", "PKG_CONFIG_PATH"):
        if needed not in env:
            fail(f"the modules did not set {needed}: {out[-3000:]}")
    return env


def check_configure(cache, menv, src):
    def expect(ok, message):
        if not ok:
            fail(f"configure: {message}")
    hdf5_root = menv["HDF5_ROOT"].rstrip("/")
    inc, lib = cache.get("HDF5_C_INCLUDE_DIR", ""), cache.get("HDF5_hdf5_LIBRARY_RELEASE", "")
    expect(cache.get("HDF5_C_COMPILER_EXECUTABLE", "").endswith("NOTFOUND"),
           f"HDF5 came from a compiler wrapper ({cache.get('HDF5_C_COMPILER_EXECUTABLE')}), not from HDF5_ROOT")
    expect("hdf5/openmpi" in os.path.realpath(inc) and inc.startswith(hdf5_root + "/"),
           f"HDF5's include directory {inc!r} is not the module's parallel HDF5 under {hdf5_root}")
    expect(lib.startswith(hdf5_root + "/"), f"libhdf5 {lib!r} is not under the module's HDF5_ROOT {hdf5_root}")
    # FindHDF5 caches HDF5_IS_PARALLEL when it reads H5pubconf.h under HDF5_ROOT (the path above).
    expect(cache.get("HDF5_IS_PARALLEL") == "TRUE", f"HDF5 is not the parallel build (HDF5_IS_PARALLEL={cache.get('HDF5_IS_PARALLEL')})")
    expect(cache.get("CMAKE_CXX_COMPILER") == menv["CXX"],
           f"C++ compiler {cache.get('CMAKE_CXX_COMPILER')!r} is not the gcc module's {menv['CXX']!r}")
    expect(cache.get("MPIEXEC_EXECUTABLE", "").startswith(menv["MPI_HOME"].rstrip("/") + "/bin/"),
           f"mpiexec {cache.get('MPIEXEC_EXECUTABLE')!r} is not the openmpi module's (MPI_HOME={menv['MPI_HOME']})")
    expect(cache.get("Eigen3_DIR") == menv["Eigen3_DIR"], f"Eigen3_DIR {cache.get('Eigen3_DIR')!r} is not the module's")
    expect(cache.get("TESSERA_NATIVE") == "OFF", f"TESSERA_NATIVE is {cache.get('TESSERA_NATIVE')!r}")
    expect(os.path.realpath(cache.get("CMAKE_HOME_DIRECTORY", "")) == os.path.realpath(src),
           f"configured from {cache.get('CMAKE_HOME_DIRECTORY')!r}, not the clean copy {src}")


def check_compile_commands(build):
    with open(os.path.join(build, "compile_commands.json")) as f:
        commands = json.load(f)
    if not commands:
        fail("compile_commands.json is empty")
    texts = [c.get("command") or " ".join(c.get("arguments", [])) for c in commands]
    native = [c["file"] for c, t in zip(commands, texts) if "-march=native" in t.split()]
    if native:
        fail(f"{len(native)} of {len(commands)} compile commands have -march=native, e.g. {native[0]}")
    if not all("-O3" in t.split() for t in texts):
        fail("not every compile command is a Release (-O3) one")
    return len(commands)


def check_install(build, prefix):
    for needed in ("bin/tessera", "lib/libtessera_core.a", "include/tessera/core/contract.hpp",
                   "lib/cmake/tessera/tesseraConfig.cmake"):
        if not os.path.exists(os.path.join(prefix, needed)):
            fail(f"{needed} was not installed into {prefix}")
    with open(os.path.join(build, "install_manifest.txt")) as f:
        outside = [l.strip() for l in f if l.strip() and not l.strip().startswith(prefix + "/")]
    if outside:
        fail(f"installed outside the prefix {prefix}: {outside[:5]}")
    needed = subprocess.run(["readelf", "-d", os.path.join(prefix, "bin/tessera")], capture_output=True, text=True,
                            timeout=60, check=True).stdout
    libs = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", needed)
    if not any(l.startswith("libhdf5_openmpi") for l in libs) or any(re.match(r"libhdf5(_serial)?\.so", l) for l in libs):
        fail(f"the installed binary does not link Debian's parallel HDF5 (libhdf5_openmpi): {libs}")


def check_gram(run_dir, summary_line):
    import h5py
    import numpy as np
    summary = json.loads(summary_line)
    chunks = -(-ROWS // CHUNK_ROWS)
    if summary.get("ranks") != RANKS or summary.get("tasks") != 3 * chunks + chunks - 1:
        fail(f"unexpected job summary (ranks {summary.get('ranks')}, tasks {summary.get('tasks')}): {summary_line}")
    with h5py.File(os.path.join(run_dir, "data.h5")) as f:
        X, y = f["X"][:], f["y"][:]
    with h5py.File(os.path.join(run_dir, "gram.h5")) as f:
        XtX, Xty, n = f["XtX"][:], f["Xty"][:], int(f["n"][()])
    if X.shape != (ROWS, COLS) or n != ROWS:
        fail(f"data {X.shape}, n {n}: expected {ROWS} x {COLS}")
    try:
        np.testing.assert_allclose(XtX, X.T @ X, rtol=1e-12, atol=1e-9)
        np.testing.assert_allclose(Xty, X.T @ y, rtol=1e-12, atol=1e-9)
    except AssertionError as e:
        fail(f"the job's XᵀX or Xᵀy differs from numpy's:{e}")


def files_left_by_user(uid, since, work):
    """Every file or directory USER owns that changed since the test started, outside `work`.
    A user can write only where it owns a directory or where everyone may write (/tmp, /var/tmp,
    /dev/shm, /run/lock): a search of the whole system by owner finds what it left anywhere."""
    roots = [r for r in ("/", "/tmp", "/var/tmp", "/dev/shm", "/run") if os.path.isdir(r)]
    started = time.monotonic()
    r = subprocess.run(["find", *roots, "-xdev", "-path", work, "-prune", "-o", "-uid", str(uid),
                        "-newermt", f"@{since:.0f}", "-print"], capture_output=True, text=True, timeout=600)
    if r.returncode not in (0, 1):  # 1: files that vanished during the search, not an error here
        fail(f"find failed ({r.returncode}): {r.stderr[-2000:]}")
    print(f"check_module_build: search for files the user left: {time.monotonic() - started:.1f} s", flush=True)
    return sorted({p for p in r.stdout.splitlines() if p != work and not p.startswith(work + "/")})


def main(argv):
    keep = "--keep" in argv
    args = [a for a in argv if a != "--keep"]
    if len(args) != 1:
        sys.exit(__doc__)
    source_dir = os.path.realpath(args[0])
    if os.geteuid() != 0:
        fail("run as root: the test builds as the unprivileged user 'nobody' (setpriv)")
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    uid, gid = pwd.getpwnam(USER).pw_uid, grp.getgrnam(GROUP).gr_gid
    started_wall, started = time.time() - 1, time.monotonic()

    work = tempfile.mkdtemp(prefix="tessera-module-build-")
    try:
        src, build = os.path.join(work, "src"), os.path.join(work, "build")
        prefix, run_dir = os.path.join(work, "home", "opt", "tessera"), os.path.join(work, "run")
        copy_sources(source_dir, src)
        modulefiles = os.path.join(src, "tests", "install", "modulefiles")
        if not os.path.isdir(modulefiles):
            fail(f"no modulefiles in the copied tree ({modulefiles})")
        for d in ("home", "tmp"):
            os.mkdir(os.path.join(work, d))
        os.chmod(work, 0o755)
        chown_tree(work, uid, gid)
        shell = UserShell(work, modulefiles)
        if shell("test ! -w /usr && test ! -w " + shlex.quote(source_dir) + " && id -u", 60,
                 "the user cannot write to /usr or the source tree").strip().splitlines()[-1] != str(uid):
            fail(f"the build shell does not run as {USER}")

        menv = module_environment(shell)
        q = shlex.quote
        shell(f"module list\ncmake -S {q(src)} -B {q(build)} -DCMAKE_BUILD_TYPE=Release -DTESSERA_NATIVE=OFF "
              f"-DTESSERA_BUILD_TESTS=OFF -DTESSERA_BUILD_BENCH=OFF -DCMAKE_INSTALL_PREFIX={q(prefix)}",
              600, "configure")
        check_configure(read_cache(build), menv, src)
        # Within ctest's TIMEOUT (2400 s), so that a slow build fails with this script's message.
        shell(f"cmake --build {q(build)} -j2 --target tessera", 2100, "build (Release, -j2)")
        compiled = check_compile_commands(build)
        shell(f"cmake --install {q(build)}", 300, "install")
        check_install(build, prefix)

        # The installed binary, started by the openmpi module's mpirun, as the user runs a job.
        oversubscribe = "--oversubscribe " if RANKS > (os.cpu_count() or 1) else ""
        job = ('[data]\\npath = "data.h5"\\nfeatures = "X"\\ntarget = "y"\\n[model]\\ntype = "gram"\\n'
               '[output]\\npath = "gram.h5"\\noverwrite = true\\n')
        out = shell(f"export PATH={q(prefix)}/bin:$PATH\nmkdir -p {q(run_dir)} && cd {q(run_dir)}\n"
                    f"test \"$(command -v tessera)\" = {q(prefix + '/bin/tessera')} || "
                    "{ echo \"tessera on PATH is $(command -v tessera), not the installed one\"; exit 1; }\n"
                    "test \"$(command -v mpirun)\" = \"$MPI_HOME/bin/mpirun\" || "
                    "{ echo \"mpirun on PATH is $(command -v mpirun), not the openmpi module's\"; exit 1; }\n"
                    "tessera --version\n"
                    f"mpirun -n 2 tessera generate regression --rows {ROWS} --cols {COLS} --seed 11 "
                    f"--chunk-rows {CHUNK_ROWS} data.h5\n"
                    f"printf '{job}' > gram.toml\n"
                    f"mpirun {oversubscribe}-n {RANKS} tessera run gram.toml --json > summary.json\n",
                    300, f"generate + gram job on {RANKS} ranks")
        version = re.search(r"project\(tessera VERSION (\S+)", open(os.path.join(src, "CMakeLists.txt")).read()).group(1)
        if f"tessera {version} " not in out:
            fail(f"`tessera --version` does not say tessera {version}:\n{out[-2000:]}")
        with open(os.path.join(run_dir, "summary.json")) as f:
            check_gram(run_dir, f.read().strip().splitlines()[-1])

        left = files_left_by_user(uid, started_wall, work)
        if left:
            fail(f"the build user left {len(left)} file(s) outside {work}: {left[:10]}")
        print(f"check_module_build: OK in {time.monotonic() - started:.0f} s: built as {USER} with "
              f"`module load {' '.join(MODULES)}` ({compiled} compile commands, none with -march=native), "
              f"parallel HDF5 from HDF5_ROOT={menv['HDF5_ROOT']}, installed to {prefix}; "
              f"gram on {RANKS} ranks matches numpy")
    finally:
        if keep:
            print(f"check_module_build: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
