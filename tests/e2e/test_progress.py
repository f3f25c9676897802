"""Progress a person can follow: plain lines every --progress seconds in a batch log, one line
redrawn in place on a terminal, never on stdout (where the JSON summary stays the last line)."""
import os
import pty
import re
import shutil
import subprocess
import tempfile

from tessera_e2e import BIN, MPIEXEC, TempDirTest, last_json, tessera

LINE = re.compile(r"^tessera: progress: ([\d,]+) of ([\d,]+) tasks(, .+)?, \d+ tasks/s, \d+:\d\d:\d\d elapsed"
                  r"(, ETA \d+:\d\d:\d\d)?$")
PHASE = re.compile(r", Newton pass \d+ of at most 101, \d+ model\(s\) active, ")


class Progress(TempDirTest):
    @classmethod
    def setUpClass(cls):
        # One data file for the class: making it is most of a test's time under ASan.
        cls.shared = tempfile.mkdtemp(prefix="tessera-progress-")
        cls.data = os.path.join(cls.shared, "cls.h5")
        r = tessera(["generate", "classification", "--rows", 1_000_000, "--cols", 8, "--seed", 7, "--chunk-rows", 8_000,
                     cls.data], ranks=2)
        assert r.returncode == 0, r.stderr

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.shared, ignore_errors=True)

    def setUp(self):
        super().setUp()
        data = self.data
        self.job = self.write_job("logistic.toml", {"path": data}, {"type": "logistic"}, {"path": self.path("out.h5"),
                                  "overwrite": True},
                                  '[cv]\nfolds = 3\n[search]\ngrid = { C = { logspace = [-2, 2, 4] } }\nscoring = "accuracy"\n')

    def test_log_lines_every_interval_and_none_on_stdout(self):
        r = tessera(["run", self.job, "--json", "--progress", "0.2"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [l for l in r.stderr.splitlines() if l.startswith("tessera: progress:")]
        self.assertGreaterEqual(len(lines), 2, r.stderr)
        for l in lines:
            m = LINE.match(l)
            self.assertIsNotNone(m, l)
            done, total = (int(g.replace(",", "")) for g in m.groups()[:2])
            self.assertLessEqual(done, total)
        self.assertTrue(any(PHASE.search(l) for l in lines), "the logistic passes say which pass runs")
        done = [int(LINE.match(l).group(1).replace(",", "")) for l in lines]
        self.assertEqual(done, sorted(done), "tasks done only grow")
        self.assertNotIn("progress", r.stdout)
        self.assertIn("best_params", last_json(r.stdout))

    def test_off_with_zero(self):
        r = tessera(["run", self.job, "--progress", "0"], ranks=3)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("progress", r.stderr)

    def test_a_terminal_gets_one_line_redrawn_in_place(self):
        leader, follower = pty.openpty()
        p = subprocess.Popen([MPIEXEC, "-q", "-n", "3", BIN, "run", self.job], stdout=subprocess.PIPE, stderr=follower,
                             text=True)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: every writer has exited
                break
            if not chunk:
                break
            seen += chunk
        p.communicate(timeout=120)
        os.close(leader)
        self.assertEqual(p.returncode, 0, seen.decode(errors="replace"))
        self.assertIn(b"\r\x1b[Ktessera: ", seen, "a live line is drawn")
        self.assertNotIn(b"tessera: progress:", seen, "no log lines on a terminal")
        # The live line is cleared before the job's last line, which starts on a clean line.
        self.assertRegex(seen.decode(errors="replace"), r"\r\x1b\[K(\r?\n)?tessera: info: logistic job done")
