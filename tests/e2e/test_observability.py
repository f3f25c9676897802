"""The trace (`--trace FILE.json`) and the end-of-job profile, checked against independent counts:
the tasks a gram graph must have for its rows and chunk size, the bytes of the datasets it reads,
the events each rank and thread must show, and their nesting (Perfetto refuses overlapping events
on one thread)."""
import json
import math
import os
import re
import shutil
import tempfile
import unittest
from collections import Counter, defaultdict

from tessera_e2e import TempDirTest, error_lines, last_json, tessera

ROWS, COLS, CHUNK = 60_000, 12, 5_000
CHUNKS = math.ceil(ROWS / CHUNK)


def load(path):
    with open(path) as f:
        return json.load(f)


def slices(trace):
    return [e for e in trace["traceEvents"] if e["ph"] == "X"]


def thread_names(trace):
    return {(e["pid"], e["tid"]): e["args"]["name"] for e in trace["traceEvents"]
            if e["ph"] == "M" and e["name"] == "thread_name"}


def assert_nested(test, trace):
    """On every (process, thread), events nest: each starts after the enclosing one starts and
    ends before it ends, or starts after it ended."""
    per_thread = defaultdict(list)
    for e in slices(trace):
        per_thread[(e["pid"], e["tid"])].append(e)
    for key, events in per_thread.items():
        events.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in events:
            start, end = e["ts"], e["ts"] + e["dur"]
            while stack and start >= stack[-1] - 1e-9:
                stack.pop()
            if stack:
                test.assertLessEqual(end, stack[-1] + 1e-6, f"{e['name']} on {key} overlaps the event around it")
            stack.append(end)


def assert_reads_inside_their_tasks(test, trace):
    """Every HDF5 read lies inside a read task on the same thread, and a task's reads add up to the
    bytes it returned."""
    events = slices(trace)
    tasks = [e for e in events if e["cat"] == "task" and e["name"] == "read_rows"]
    read_bytes = Counter()
    for h in (e for e in events if e["cat"] == "hdf5"):
        around = [t for t in tasks if (t["pid"], t["tid"]) == (h["pid"], h["tid"])
                  and t["ts"] <= h["ts"] and h["ts"] + h["dur"] <= t["ts"] + t["dur"] + 1e-6]
        test.assertEqual(len(around), 1, f"HDF5 read at {h['ts']} on rank {h['pid']} is not inside one read task")
        read_bytes[around[0]["args"]["key"]] += h["args"]["bytes_read"]
    for t in tasks:
        test.assertEqual(read_bytes[t["args"]["key"]], t["args"]["bytes_out"], "a read task's HDF5 reads")


class Trace(TempDirTest):
    @classmethod
    def setUpClass(cls):
        cls.shared = tempfile.mkdtemp(prefix="tessera-trace-")
        cls.data = os.path.join(cls.shared, "data.h5")
        r = tessera(["generate", "regression", "--rows", ROWS, "--cols", COLS, "--seed", 3, "--chunk-rows", CHUNK, cls.data],
                    ranks=2)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def gram_job(self):
        return self.write_job("gram.toml", {"path": self.data, "chunk_rows": CHUNK}, {"type": "gram"},
                              {"path": self.path("gram.h5"), "overwrite": True})

    def run_traced(self, job, ranks=3, extra=()):
        trace = self.path("trace.json")
        r = tessera(["run", job, "--json", "--trace", trace, *extra], ranks=ranks)
        self.assertEqual(r.returncode, 0, r.stderr)
        return last_json(r.stdout), load(trace), r.stderr

    def test_gram_trace_and_profile_agree_with_the_graph_and_the_file(self):
        summary, trace, stderr = self.run_traced(self.gram_job())
        profile = summary["profile"]
        self.assertEqual(trace["tessera"]["profile"], profile)
        # The graph: X and y read per chunk, a gram per chunk, a tree of sums over the chunks.
        expected = {"read_rows": 2 * CHUNKS, "gram": CHUNKS, "sum": CHUNKS - 1}
        tasks = [e for e in slices(trace) if e["cat"] == "task"]
        self.assertEqual(Counter(e["name"] for e in tasks), expected)
        self.assertEqual({k["kernel"]: k["tasks"] for k in profile["kernels"]}, expected)
        self.assertEqual(profile["tasks"], sum(expected.values()))
        self.assertEqual(summary["tasks"], sum(expected.values()))
        # Per rank: the tasks its events show are the tasks rank 0 counted for it.
        per_rank = Counter(e["pid"] for e in tasks)
        self.assertEqual([r["tasks"] for r in profile["ranks"]], [per_rank.get(r, 0) for r in range(3)])
        self.assertEqual(profile["ranks"][0]["tasks"], 0, "rank 0 only schedules")
        # One pass: every byte of X and y read from HDF5 once, and the events say where.
        dataset_bytes = ROWS * COLS * 8 + ROWS * 8
        self.assertEqual(sum(r["hdf5_bytes_read"] for r in profile["ranks"]), dataset_bytes)
        self.assertEqual(profile["passes"], 1.0)
        reads = [e for e in slices(trace) if e["cat"] == "hdf5"]
        assert_reads_inside_their_tasks(self, trace)
        for r in range(3):
            self.assertEqual(sum(e["args"]["bytes_read"] for e in reads if e["pid"] == r), profile["ranks"][r]["hdf5_bytes_read"])
        # Every task event names its key and bytes; reads name their chunk.
        for e in tasks:
            self.assertRegex(e["args"]["key"], r"^[0-9a-f]{32}$")
            self.assertIn("bytes_in", e["args"])
            self.assertIn("inputs", e["args"])
        self.assertEqual(sorted(e["args"]["chunk"] for e in tasks if e["name"] == "read_rows"),
                         sorted(list(range(CHUNKS)) * 2))
        self.assertEqual(sum(e["args"]["bytes_out"] for e in tasks if e["name"] == "read_rows"), dataset_bytes)
        # Processes named by rank and host; threads by lane.
        processes = {e["pid"]: e["args"]["name"] for e in trace["traceEvents"] if e["ph"] == "M" and e["name"] == "process_name"}
        self.assertEqual(sorted(processes), [0, 1, 2])
        for pid, name in processes.items():
            self.assertRegex(name, rf"^rank {pid} \(.+\)$")
        names = thread_names(trace)
        for e in tasks:
            self.assertIn(names[(e["pid"], e["tid"])], ("compute", "io"))
            self.assertEqual(names[(e["pid"], e["tid"])], "io" if e["name"] == "read_rows" else "compute")
        self.assertEqual(names[(0, 1)], "scheduler")
        assert_nested(self, trace)
        # Fetches between ranks: an arrow from each serving holder to the rank that received it,
        # and the bytes the profile counts.
        starts = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "s"}
        ends = {e["id"]: e for e in trace["traceEvents"] if e["ph"] == "f"}
        self.assertTrue(ends, "rank 0 gathered the result from a worker at least")
        self.assertEqual(set(starts), set(ends))
        for i, end in ends.items():
            self.assertNotEqual(starts[i]["pid"], end["pid"])
        received = [e for e in slices(trace) if e["cat"] == "fetch"]
        for r in range(3):
            self.assertEqual(sum(e["args"]["bytes"] for e in received if e["pid"] == r), profile["ranks"][r]["bytes_fetched"])
        self.assertEqual(sum(r["bytes_fetched"] for r in profile["ranks"]), sum(r["bytes_sent"] for r in profile["ranks"]))
        for r in profile["ranks"]:
            self.assertGreater(r["peak_memory_bytes"], 1 << 20)
            for lane, fraction in r["busy_fraction"].items():
                self.assertGreaterEqual(fraction, 0, lane)
                self.assertLessEqual(fraction, 1.0, lane)
        # The critical path: at least the longest task, at most the wall time.
        self.assertGreaterEqual(profile["critical_path_seconds"], max(e["dur"] for e in tasks) * 1e-6 * 0.999)
        self.assertLessEqual(profile["critical_path_seconds"], profile["wall_seconds"])
        self.assertTrue(any(l.startswith("tessera: info: profile: wall ") for l in stderr.splitlines()), stderr)

    def test_profile_without_a_trace(self):
        r = tessera(["run", self.gram_job(), "--json"], ranks=2)
        self.assertEqual(r.returncode, 0, r.stderr)
        profile = last_json(r.stdout)["profile"]
        self.assertEqual(sum(x["tasks"] for x in profile["ranks"]), 4 * CHUNKS - 1)
        self.assertEqual(sum(x["hdf5_bytes_read"] for x in profile["ranks"]), ROWS * (COLS + 1) * 8)
        self.assertEqual(sum(x["trace_events"] for x in profile["ranks"]), 0)
        self.assertGreater(profile["ranks"][1]["busy_fraction"]["io"], 0)

    def test_one_rank_runs_and_traces_everything_itself(self):
        summary, trace, _ = self.run_traced(self.gram_job(), ranks=1)
        names = thread_names(trace)
        tasks = [e for e in slices(trace) if e["cat"] == "task"]
        self.assertEqual(len(tasks), 4 * CHUNKS - 1)
        self.assertEqual({names[(e["pid"], e["tid"])] for e in tasks}, {"compute", "io"})
        self.assertEqual(summary["profile"]["ranks"][0]["tasks"], 4 * CHUNKS - 1)
        assert_nested(self, trace)
        # HDF5 reads nest inside their read tasks, on the io thread.
        io = [e for e in slices(trace) if names[(e["pid"], e["tid"])] == "io"]
        self.assertEqual({e["cat"] for e in io}, {"task", "hdf5"})
        assert_reads_inside_their_tasks(self, trace)

    def test_past_the_event_limit_only_totals_and_says_so(self):
        summary, trace, stderr = self.run_traced(self.gram_job(), extra=("--trace-events", 8))
        per_rank = Counter(e["pid"] for e in slices(trace))
        self.assertTrue(all(n <= 8 for n in per_rank.values()), per_rank)
        self.assertGreater(trace["tessera"]["events_dropped"], 0)
        self.assertIn("not kept", trace["tessera"]["note"])
        self.assertTrue(any("trace:" in l and "--trace-events" in l for l in error_lines(stderr)), stderr)
        # The per-kernel totals still count every task.
        self.assertEqual({k["kernel"]: k["tasks"] for k in summary["profile"]["kernels"]},
                         {"read_rows": 2 * CHUNKS, "gram": CHUNKS, "sum": CHUNKS - 1})
        assert_nested(self, trace)

    def test_stored_results_in_the_trace_and_profile(self):
        job = self.write_job("ols.toml", {"path": self.data, "chunk_rows": CHUNK}, {"type": "ols"},
                             {"path": self.path("ols.h5"), "overwrite": True})
        store = self.path("store")
        first, trace, _ = self.run_traced(job, extra=("--checkpoint", store))
        writes = [e for e in slices(trace) if e["cat"] == "store write"]
        self.assertTrue(writes)
        self.assertTrue(all(e["args"]["bytes_written"] > 0 for e in writes))
        self.assertEqual({thread_names(trace)[(e["pid"], e["tid"])] for e in writes}, {"store"})
        again, trace, _ = self.run_traced(job, extra=("--checkpoint", store, "--resume"))
        loaded = [e for e in slices(trace) if e["cat"] == "store read"]
        self.assertGreater(again["tasks_from_store"], 0)
        self.assertEqual(again["profile"]["tasks_from_store"], again["tasks_from_store"])
        self.assertEqual(len(loaded), again["tasks_from_store"])
        self.assertEqual(sum(r["tasks_from_store"] for r in again["profile"]["ranks"]), again["tasks_from_store"])
        self.assertEqual(again["profile"]["passes"], 0, "nothing read from HDF5 when every result was stored")

    def test_every_kind_of_report_is_drawn(self):
        # (Opened in a browser and checked against references by test_report, in release builds.)
        cls_data = self.generate("cls.h5", 6_000, 4, kind="classification")
        jobs = {
            "gram": self.gram_job(),
            "ols": self.write_job("ols.toml", {"path": self.data}, {"type": "ols"}, {"path": self.path("ols.h5")}),
            "ridge": self.write_job("ridge.toml", {"path": self.data}, {"type": "ridge"}, {"path": self.path("ridge.h5")},
                                    "[cv]\nfolds = 3\n[search]\ngrid = { alpha = { logspace = [-2, 2, 3] } }\n"),
            "logistic": self.write_job("logistic.toml", {"path": cls_data}, {"type": "logistic"},
                                       {"path": self.path("logistic.h5")},
                                       "[cv]\nfolds = 2\n[search]\ngrid = { C = [0.1, 10.0] }\n"),
            "evaluate": self.write_job("evaluate.toml", {"path": cls_data, "predictions": "expected_y"},
                                       {"type": "evaluate", "metrics": "classification"}, {"path": self.path("evaluate.h5")}),
        }
        expected = {"gram": [], "ols": ["Coefficients"], "ridge": ["against alpha"], "logistic": ["Convergence", "against C"],
                    "evaluate": ["Confusion matrix", "ROC curve"]}
        for name, job in jobs.items():
            page = self.path(f"{name}.html")
            r = tessera(["run", job, "--report", page], ranks=2)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(page) as f:
                html = f.read()
            titles = re.findall(r'<text class="title"[^>]*>([^<]+)</text>', html)
            self.assertEqual(len(titles), html.count('<svg class="plot"'), name)
            for want in expected[name] + ["Tasks on each rank"]:
                self.assertTrue(any(want in t for t in titles), f"{name}: no '{want}' in {titles}")
            self.assertNotIn("<script", html)

    def test_trace_path_checked_before_any_work(self):
        job = self.gram_job()
        r = tessera(["run", job, "--trace", self.path("missing/trace.json")], ranks=3)
        self.assertEqual(r.returncode, 2, r.stderr)
        lines = error_lines(r.stderr)
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertIn("missing", lines[0])
        self.assertNoOutputLeft(self.path("gram.h5"))

    def test_report_of_something_that_is_not_a_trace(self):
        for name, text in (("not.json", "{ not json"), ("other.json", '{"traceEvents": []}')):
            with open(self.path(name), "w") as f:
                f.write(text)
            r = tessera(["report", self.path(name), "-o", self.path("r.html")], ranks=1)
            self.assertEqual(r.returncode, 2, r.stderr)
            lines = error_lines(r.stderr)
            self.assertEqual(len(lines), 1, r.stderr)
            self.assertIn(name, lines[0])
            self.assertFalse(os.path.exists(self.path("r.html")))


if __name__ == "__main__":
    unittest.main()
