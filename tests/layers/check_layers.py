"""Fails when a source file includes a header from a layer above its own (the layers and what
each may include are drawn in docs/architecture.md; this table is their definition)."""
import os
import re
import sys

# layer -> the layers it may include (its own included)
ALLOWED = {
    "core": {"core"},
    "graph": {"core", "graph"},
    "stats": {"core", "stats"},
    "io": {"core", "io"},
    "kernels": {"core", "stats", "io", "kernels"},
    "runtime": {"core", "graph", "io", "runtime"},
    "job": {"core", "job"},
    "report": {"core", "report"},
    "plan": {"core", "graph", "stats", "io", "kernels", "job", "plan"},
    "search": {"core", "graph", "stats", "io", "kernels", "runtime", "job", "plan", "report", "search"},
    "jobs": {"core", "graph", "stats", "io", "kernels", "runtime", "job", "plan", "search", "report", "jobs"},
    "checkpoint": {"core", "graph", "io", "runtime", "job", "checkpoint"},
    "cli": {"core", "graph", "stats", "io", "kernels", "runtime", "job", "plan", "search", "jobs", "checkpoint", "report", "cli"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def layer_of_path(relative):
    """The layer of a file below include/tessera/ or src/: its first directory."""
    first = relative.split("/")[0]
    if relative == "error.hpp":
        return "core"
    return first if first in ALLOWED else None


def layer_of_include(target):
    if target.startswith("tessera/"):
        return layer_of_path(target[len("tessera/"):])
    if target.startswith("jobs/"):  # a job type's own header, found through src/
        return "jobs"
    return None  # a local header (commands.hpp) or a third-party one


def main(root):
    problems = []
    for base in ("include/tessera", "src"):
        for folder, _, files in os.walk(os.path.join(root, base)):
            for name in files:
                if not name.endswith((".hpp", ".cpp")):
                    continue
                path = os.path.join(folder, name)
                mine = layer_of_path(os.path.relpath(path, os.path.join(root, base)))
                if mine is None:
                    problems.append(f"{os.path.relpath(path, root)}: not in any layer")
                    continue
                with open(path) as f:
                    text = f.read()
                for target in INCLUDE.findall(text):
                    theirs = layer_of_include(target)
                    if theirs is not None and theirs not in ALLOWED[mine]:
                        problems.append(f"{os.path.relpath(path, root)} ({mine}) includes {target} ({theirs})")
    for p in problems:
        print(p)
    print(f"{len(problems)} layer violation(s)")
    return 1 if problems else 0


def self_test():
    """The check must catch what it is for: a kernel reaching up into a job type."""
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        os.makedirs(os.path.join(root, "src", "kernels"))
        os.makedirs(os.path.join(root, "include", "tessera"))
        with open(os.path.join(root, "src", "kernels", "bad.cpp"), "w") as f:
            f.write('#include "tessera/core/params.hpp"\n#include "tessera/search/results.hpp"\n#include "jobs/ridge/ridge_fit.hpp"\n')
        assert main(root) == 1, "a violation went unnoticed"
    print("self-test: violations are caught")


if __name__ == "__main__":
    self_test()
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")))
