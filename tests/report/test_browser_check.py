#!/usr/bin/python3
"""Prove that browser_check.py can both pass and fail.

Each test writes a small HTML page, opens it in a real headless Chromium
through browser_check.check_report and checks the verdict.  Pages that test
one failure also contain a good figure, so the failure must come from the
one defect under test.

    cd tests/report && /usr/bin/python3 -m unittest -v test_browser_check
"""

import glob
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import browser_check  # noqa: E402

HEAD = """<!doctype html>
<html><head><meta charset="utf-8">{extra}
<title>{title}</title>
<style>body {{ font-family: sans-serif; margin: 20px; }}</style>
</head><body>
<h1>{title}</h1>
"""

CSP = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
       "'none'; style-src 'unsafe-inline'; img-src data:\">")


def figure(title, data=True):
    """An inline SVG figure; with data=False its plot area is empty."""
    body = ""
    if data:
        body = """
  <polyline fill="none" stroke="#1f77b4" stroke-width="1.5"
            points="60,320 140,280 220,290 300,200 380,210 460,120 620,60"/>
  <circle cx="140" cy="280" r="3" fill="#d62728"/>
  <circle cx="300" cy="200" r="3" fill="#d62728"/>
  <circle cx="460" cy="120" r="3" fill="#d62728"/>"""
    return """
<svg class="plot" width="640" height="400" viewBox="0 0 640 400">
  <text class="title" x="340" y="24" text-anchor="middle">{title}</text>
  <rect class="plot-area" x="60" y="40" width="560" height="300"
        fill="#ffffff" stroke="#333333"/>{body}
  <line x1="60" y1="340" x2="620" y2="340" stroke="#333333"/>
  <text x="60" y="356" font-size="11" text-anchor="middle">0</text>
  <text x="620" y="356" font-size="11" text-anchor="middle">10</text>
  <text class="x-label" x="340" y="385" text-anchor="middle">iteration</text>
  <text class="y-label" x="18" y="190" text-anchor="middle"
        transform="rotate(-90 18 190)">residual norm</text>
</svg>
""".format(title=title, body=body)


def page(title, body, extra=""):
    return HEAD.format(title=title, extra=extra) + body + "</body></html>\n"


def chromium_processes(marker):
    """PIDs of live processes whose command line contains `marker`."""
    pids = []
    for cmdline in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(cmdline, "rb") as f:
                if marker.encode() in f.read():
                    pids.append(int(cmdline.split("/")[2]))
        except OSError:
            pass
    return pids


class BrowserCheckTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Fails (not skips) without chromium: this check must really run.
        browser_check.find_chromium()

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="browser-check-test-")
        self.tmp = self._tmp.name
        # Chromium's profile goes here too, so leaks can be seen.
        self._old_tempdir = tempfile.tempdir
        tempfile.tempdir = self.tmp
        self.started = time.monotonic()

    def tearDown(self):
        tempfile.tempdir = self._old_tempdir
        left = glob.glob(os.path.join(self.tmp, "tessera-chromium-*"))
        procs = chromium_processes(self.tmp)
        self._tmp.cleanup()
        self.assertEqual(left, [], "chromium profile not removed")
        self.assertEqual(procs, [], "chromium processes left running")

    def write(self, name, html):
        path = os.path.join(self.tmp, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(html)
        return path

    def check(self, name, html, **kw):
        path = self.write(name, html)
        shot = os.path.join(self.tmp, name + ".png")
        result = browser_check.check_report(path, screenshot=shot, **kw)
        self.assertTrue(os.path.getsize(shot) > 0)
        return result

    def dump(self, result):
        return json.dumps(result, indent=1)

    # (a) a good, self-contained report passes
    def test_good_report_passes(self):
        r = self.check("good.html", page(
            "Good", figure("Convergence") + figure("Residuals"), CSP))
        self.assertTrue(r["ok"], self.dump(r))
        self.assertEqual(r["console_errors"], [])
        self.assertEqual(r["requests"], [])
        self.assertEqual([f["title"] for f in r["figures"]],
                         ["Convergence", "Residuals"])
        for f in r["figures"]:
            self.assertFalse(f["blank"], self.dump(r))
            self.assertEqual(f["x_label"], "iteration")
            self.assertEqual(f["y_label"], "residual norm")
            self.assertEqual((f["width"], f["height"]), (640, 400))
            self.assertGreater(f["ink_fraction"],
                               3 * browser_check.MIN_INK_FRACTION)

    # (b) a figure whose plot area is empty is blank
    def test_empty_plot_area_is_blank(self):
        r = self.check("blank.html", page(
            "Blank", figure("Drawn") + figure("Empty", data=False), CSP))
        self.assertFalse(r["ok"], self.dump(r))
        drawn, empty = r["figures"]
        self.assertFalse(drawn["blank"], self.dump(r))
        self.assertTrue(empty["blank"], self.dump(r))
        self.assertEqual(empty["ink_fraction"], 0.0)
        self.assertEqual(r["console_errors"], [])
        self.assertEqual(r["requests"], [])

    # A figure far below the first screen is still screenshot and measured.
    def test_figure_below_the_fold(self):
        r = self.check("tall.html", page(
            "Tall", figure("Top") + '<div style="height:3000px"></div>' +
            figure("Bottom") + figure("Bottom empty", data=False), CSP))
        self.assertGreater(r["page"]["height"], 3000)
        self.assertEqual([f["blank"] for f in r["figures"]],
                         [False, False, True], self.dump(r))

    # (c) console.error is reported
    def test_console_error_reported(self):
        r = self.check("console.html", page(
            "Console", figure("Fine") + '<script>console.error("x")</script>'))
        self.assertFalse(r["ok"], self.dump(r))
        self.assertIn({"source": "console.error", "text": "x"},
                      r["console_errors"])
        self.assertFalse(r["figures"][0]["blank"])
        self.assertEqual(r["requests"], [])

    # uncaught exceptions count as console errors too
    def test_exception_reported(self):
        r = self.check("throw.html", page(
            "Throw", figure("Fine") + "<script>undefinedFunction()</script>"))
        self.assertFalse(r["ok"], self.dump(r))
        self.assertTrue(any(e["source"] == "exception" and
                            "undefinedFunction" in e["text"]
                            for e in r["console_errors"]), self.dump(r))

    # (d) an attempted request (no internet) is seen
    def test_network_request_reported(self):
        r = self.check("img.html", page(
            "Image", figure("Fine") +
            '<img src="http://example.invalid/a.png" alt="">'))
        self.assertFalse(r["ok"], self.dump(r))
        urls = [q["url"] for q in r["requests"]]
        self.assertIn("http://example.invalid/a.png", urls)
        self.assertFalse(r["figures"][0]["blank"])

    # (e) a request blocked by the CSP is still a failure
    def test_csp_blocked_request_reported(self):
        r = self.check("csp.html", page(
            "CSP", figure("Fine"),
            "\n<meta http-equiv=\"Content-Security-Policy\" "
            "content=\"default-src 'none'\">\n"
            '<link rel="stylesheet" href="https://example.invalid/x.css">'))
        self.assertFalse(r["ok"], self.dump(r))
        # Chromium reports it both as a (blocked) request and as a
        # security error in the log; either alone must fail the check.
        csp_errors = [e for e in r["console_errors"]
                      if "Content Security Policy" in e["text"]]
        blocked = [q for q in r["requests"]
                   if q["url"] == "https://example.invalid/x.css"]
        self.assertTrue(csp_errors or blocked, self.dump(r))
        self.assertFalse(r["figures"][0]["blank"])

    # missing axis label / no figures at all fail
    def test_missing_label_and_no_figures(self):
        html = figure("No y label").replace('class="y-label"', 'class="other"')
        r = self.check("nolabel.html", page("No label", html, CSP))
        self.assertFalse(r["ok"], self.dump(r))
        self.assertIsNone(r["figures"][0]["y_label"])
        self.assertFalse(r["figures"][0]["blank"])
        r = self.check("nofig.html", page("Nothing", "<p>text</p>", CSP))
        self.assertFalse(r["ok"], self.dump(r))
        self.assertEqual(r["figures"], [])

    # the command-line tool: JSON on stdout, exit 0 / 1
    def test_command_line(self):
        good = self.write("cli-good.html", page("Good", figure("A"), CSP))
        bad = self.write("cli-bad.html", page("Bad", figure("B", data=False)))
        shot = os.path.join(self.tmp, "cli.png")
        tool = os.path.join(HERE, "browser_check.py")
        env = dict(os.environ, TMPDIR=self.tmp)
        p = subprocess.run([sys.executable, tool, good, "--screenshot", shot],
                           capture_output=True, text=True, timeout=120,
                           env=env)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertTrue(json.loads(p.stdout)["ok"])
        self.assertTrue(os.path.getsize(shot) > 0)
        p = subprocess.run([sys.executable, tool, bad], capture_output=True,
                           text=True, timeout=120, env=env)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        out = json.loads(p.stdout)
        self.assertFalse(out["ok"])
        self.assertTrue(out["figures"][0]["blank"])

    # the overall timeout is hard and still cleans up (see tearDown)
    def test_timeout_is_bounded(self):
        path = self.write("t.html", page("T", figure("A"), CSP))
        t0 = time.monotonic()
        with self.assertRaises(browser_check.BrowserError):
            browser_check.check_report(path, timeout=0.3)
        self.assertLess(time.monotonic() - t0, 15)


if __name__ == "__main__":
    unittest.main(verbosity=2)
