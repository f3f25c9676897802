#!/usr/bin/python3
"""Open an HTML report in a real headless Chromium and check it.

Usable as a module::

    from browser_check import check_report
    result = check_report("/path/report.html", screenshot="/tmp/shot.png")
    assert result["ok"], result

and as a command-line tool::

    browser_check.py REPORT.html [--screenshot OUT.png] [--timeout SECONDS]

which prints the result as JSON and exits 0 if every check passed and 1
otherwise (a failed check, or Chromium could not be run: then the JSON has
"error" instead of the check results).

Checks (all must pass for "ok"):

* the page loads (Page.navigate reports no error, Page.loadEventFired fires);
* no console errors: console.error/warn/assert calls, uncaught exceptions
  and browser log entries of level "error" (CSP violations and failed
  resource loads are reported there);
* no network requests: every request other than the report's own file://
  URL is listed in "requests"; any of them that is not a data: URL fails;
* at least ``min_figures`` ``svg.plot`` figures, each with a non-empty
  ``text.title``, ``text.x-label`` and ``text.y-label``;
* no figure is blank: in a full-page screenshot (1400 CSS px wide, device
  scale factor 1) the pixels of each figure's ``.plot-area`` rectangle
  (the whole svg if it has none), shrunk by ``INSET`` px to leave out its
  frame, must contain at least ``MIN_INK_FRACTION`` of "ink" pixels (pixels
  whose colour differs from the area's most common colour by more than
  ``INK_TOLERANCE`` in some channel) and at least ``MIN_COLOURS`` distinct
  colours.

Chromium is always killed (its whole process group) and its temporary
profile removed, and the whole check is bounded by a hard timeout.

Only the standard library, python3-websocket (websocket-client) and
python3-pil (Pillow) are needed.
"""

import argparse
import base64
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

VIEWPORT_WIDTH = 1400      # CSS px; device scale factor 1
VIEWPORT_HEIGHT = 900      # initial height; grown to the document height
MAX_PAGE_HEIGHT = 16000    # screenshot height cap (GPU texture limits)
DEFAULT_TIMEOUT = 60.0     # seconds, for everything
INSET = 2                  # px left out at each edge of a plot area
# Blank-figure thresholds, tuned on rendered test charts (see the report
# that came with this file): an empty plot area is 1 colour / 0 % ink, a
# very light (#ddd) grid alone ~0.04 %, one stray tick 0.005 %; five
# r=2.5 markers give 0.08 %, ten 0.16 %, one 1 px horizontal line 0.34 %,
# crisp-edged bars exactly 2 colours.
INK_TOLERANCE = 24         # max channel difference still "background"
MIN_INK_FRACTION = 0.0005  # at least 0.05 % of plot-area pixels are ink
MIN_COLOURS = 2            # something besides the background colour

CONSOLE_TYPES = ("error", "warning", "assert")
LOG_LEVELS = ("error",)


class BrowserError(RuntimeError):
    """Chromium could not be started or talked to (not a check failure)."""


def find_chromium():
    """Return the path of the chromium binary, or raise BrowserError."""
    env = os.environ.get("TESSERA_CHROMIUM")
    candidates = [env] if env else []
    found = shutil.which("chromium")
    if found:
        candidates.append(found)
    candidates += ["/usr/bin/chromium", "/usr/lib/chromium/chromium"]
    for cand in candidates:
        if cand and os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    raise BrowserError("chromium not found (apt-get install chromium)")


class _Deadline:
    def __init__(self, seconds):
        self.end = time.monotonic() + seconds

    def left(self):
        return self.end - time.monotonic()

    def check(self, what):
        if self.left() <= 0:
            raise BrowserError("timed out " + what)


class _Chromium:
    """A headless Chromium in its own process group and temporary profile."""

    def __init__(self, deadline):
        self.deadline = deadline
        self.tmpdir = tempfile.mkdtemp(prefix="tessera-chromium-")
        self.proc = None
        self.stderr_path = os.path.join(self.tmpdir, "stderr.txt")
        self.profile = os.path.join(self.tmpdir, "profile")
        os.mkdir(self.profile)

    def start(self):
        binary = find_chromium()
        args = [
            binary,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--remote-debugging-port=0",
            "--remote-debugging-address=127.0.0.1",
            "--user-data-dir=" + self.profile,
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--mute-audio",
            "--hide-scrollbars",
            "--force-color-profile=srgb",
            "--window-size=%d,%d" % (VIEWPORT_WIDTH, VIEWPORT_HEIGHT),
            "about:blank",
        ]
        env = dict(os.environ)
        env.pop("DISPLAY", None)
        env.pop("WAYLAND_DISPLAY", None)
        env["HOME"] = self.tmpdir   # crash-report cleanup etc. stay in tmp
        with open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, env=env, start_new_session=True)

    def stderr_tail(self, n=2000):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-n:]
        except OSError:
            return ""

    def devtools_port(self):
        """Wait for DevToolsActivePort (or the stderr banner); return port."""
        marker = os.path.join(self.profile, "DevToolsActivePort")
        while True:
            try:
                with open(marker) as f:
                    first = f.readline().strip()
                if first.isdigit() and int(first) > 0:
                    return int(first)
            except OSError:
                pass
            for line in self.stderr_tail(20000).splitlines():
                if "DevTools listening on ws://" in line:
                    url = line.split("DevTools listening on ", 1)[1].strip()
                    port = urllib.parse.urlsplit(url).port
                    if port:
                        return port
            if self.proc.poll() is not None:
                raise BrowserError("chromium exited with status %s: %s" % (
                    self.proc.returncode, self.stderr_tail()))
            self.deadline.check("waiting for the DevTools port")
            time.sleep(0.05)

    def kill(self):
        proc = self.proc
        if proc is not None and proc.poll() is None:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(proc.pid, sig)
                except (ProcessLookupError, PermissionError):
                    break
                try:
                    proc.wait(timeout=3)
                    break
                except subprocess.TimeoutExpired:
                    continue
        if proc is not None:
            # Children of the (now dead) leader may linger in the group.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass

    def cleanup(self):
        self.kill()
        for _ in range(5):
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            if not os.path.exists(self.tmpdir):
                break
            time.sleep(0.2)   # a dying child may still write into it


class _CDP:
    """Minimal synchronous Chrome DevTools Protocol client."""

    def __init__(self, ws_url, deadline):
        import websocket   # python3-websocket (websocket-client)
        self._websocket = websocket
        self.deadline = deadline
        self.events = []
        self.next_id = 0
        timeout = max(1.0, deadline.left())
        try:
            self.ws = websocket.create_connection(
                ws_url, timeout=timeout, suppress_origin=True)
        except TypeError:   # very old websocket-client without the option
            self.ws = websocket.create_connection(ws_url, timeout=timeout)

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass

    def _recv(self, limit):
        """Receive one message within `limit` seconds; None on timeout."""
        limit = min(limit, self.deadline.left())
        if limit <= 0:
            return None
        self.ws.settimeout(limit)
        try:
            raw = self.ws.recv()
        except self._websocket.WebSocketTimeoutException:
            return None
        except (self._websocket.WebSocketException, OSError) as exc:
            raise BrowserError("DevTools connection lost: %s" % exc)
        msg = json.loads(raw)
        if "method" in msg:
            self.events.append(msg)
        return msg

    def call(self, method, **params):
        self.next_id += 1
        my_id = self.next_id
        self.ws.send(json.dumps({"id": my_id, "method": method,
                                 "params": params}))
        while True:
            self.deadline.check("waiting for " + method)
            msg = self._recv(self.deadline.left())
            if msg is None:
                continue
            if msg.get("id") == my_id:
                if "error" in msg:
                    raise BrowserError("%s failed: %s" % (method, msg["error"]))
                return msg.get("result", {})

    def wait_event(self, method, start, limit):
        """Wait up to `limit` s for event `method` at index >= start."""
        end = time.monotonic() + limit
        idx = start
        while True:
            while idx < len(self.events):
                if self.events[idx]["method"] == method:
                    return self.events[idx]
                idx += 1
            left = end - time.monotonic()
            if left <= 0 or self.deadline.left() <= 0:
                return None
            self._recv(left)

    def drain(self, limit):
        """Collect events for `limit` seconds."""
        end = time.monotonic() + limit
        while True:
            left = end - time.monotonic()
            if left <= 0 or self.deadline.left() <= 0:
                return
            self._recv(left)

    def evaluate(self, expression, await_promise=False):
        result = self.call("Runtime.evaluate", expression=expression,
                           returnByValue=True, awaitPromise=await_promise)
        if "exceptionDetails" in result:
            raise BrowserError("evaluation failed: %s" % json.dumps(
                result["exceptionDetails"])[:500])
        return result.get("result", {}).get("value")


_FIGURES_JS = r"""
(() => {
  const text = (svg, cls) => {
    const el = svg.querySelector('text.' + cls);
    return el ? el.textContent.replace(/\s+/g, ' ').trim() : null;
  };
  const rect = (el) => {
    const r = el.getBoundingClientRect();
    return {x: r.left + window.scrollX, y: r.top + window.scrollY,
            width: r.width, height: r.height};
  };
  return Array.from(document.querySelectorAll('svg.plot')).map((svg) => {
    const area = svg.querySelector('.plot-area');
    return {title: text(svg, 'title'), x_label: text(svg, 'x-label'),
            y_label: text(svg, 'y-label'), rect: rect(svg),
            plot_area: area ? rect(area) : null};
  });
})()
"""

_SIZE_JS = r"""
(() => {
  const d = document.documentElement, b = document.body;
  return {width: Math.ceil(Math.max(d.scrollWidth, b ? b.scrollWidth : 0)),
          height: Math.ceil(Math.max(d.scrollHeight, b ? b.scrollHeight : 0))};
})()
"""

# Wait for web fonts and two animation frames (with a fallback timer so a
# throttled page cannot hang us).
_SETTLE_JS = r"""
new Promise((resolve) => {
  let done = false;
  const finish = () => { if (!done) { done = true; resolve(true); } };
  setTimeout(finish, 1500);
  (document.fonts ? document.fonts.ready : Promise.resolve()).then(() =>
    requestAnimationFrame(() => requestAnimationFrame(finish)));
})
"""


def _remote_text(obj):
    if "value" in obj:
        value = obj["value"]
        return value if isinstance(value, str) else json.dumps(value)
    return obj.get("description") or obj.get("unserializableValue") or \
        obj.get("type", "")


def _short(url, n=200):
    return url if len(url) <= n else url[:n] + "..."


def _same_file(url, self_url):
    def norm(u):
        u = urllib.parse.urldefrag(u)[0]
        return urllib.parse.unquote(u)
    return norm(url) == norm(self_url)


def _collect(events, self_url):
    console, requests = [], {}
    order = []
    for ev in events:
        method, p = ev["method"], ev.get("params", {})
        if method == "Runtime.consoleAPICalled":
            if p.get("type") in CONSOLE_TYPES:
                console.append({
                    "source": "console." + p["type"],
                    "text": " ".join(_remote_text(a) for a in p.get("args", []))})
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            exc = d.get("exception", {})
            console.append({"source": "exception",
                            "text": exc.get("description") or d.get("text", "")})
        elif method == "Log.entryAdded":
            e = p.get("entry", {})
            if e.get("level") in LOG_LEVELS:
                item = {"source": "log." + e.get("source", "other"),
                        "text": e.get("text", "")}
                if e.get("url"):
                    item["url"] = _short(e["url"])
                console.append(item)
        elif method == "Network.requestWillBeSent":
            url = p.get("request", {}).get("url", "")
            if _same_file(url, self_url):
                continue
            rid = p.get("requestId") or str(len(order))
            if rid not in requests:
                order.append(rid)
            requests[rid] = {"url": _short(url), "type": p.get("type"),
                             "data": url.startswith("data:")}
        elif method == "Network.loadingFailed":
            rid = p.get("requestId")
            if rid in requests:
                requests[rid]["failed"] = p.get("errorText")
                if p.get("blockedReason"):
                    requests[rid]["blocked"] = p["blockedReason"]
    return console, [requests[r] for r in order]


def analyse_area(image, area, inset=INSET, tolerance=INK_TOLERANCE):
    """Measure the ink in `area` ({x, y, width, height} in CSS px) of a PIL
    image taken at device scale factor 1.  Returns (ink_fraction, colours,
    pixels)."""
    x0 = int(round(area["x"])) + inset
    y0 = int(round(area["y"])) + inset
    x1 = int(round(area["x"] + area["width"])) - inset
    y1 = int(round(area["y"] + area["height"])) - inset
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, image.width), min(y1, image.height)
    if x1 <= x0 or y1 <= y0:
        return 0.0, 0, 0
    crop = image.crop((x0, y0, x1, y1))
    pixels = crop.width * crop.height
    colours = crop.getcolors(maxcolors=pixels)
    _, background = max(colours, key=lambda c: c[0])
    ink = sum(n for n, c in colours
              if max(abs(a - b) for a, b in zip(c, background)) > tolerance)
    return ink / pixels, len(colours), pixels


def _run(path, screenshot, deadline, min_figures, require_labels,
         min_ink_fraction, min_colours):
    from PIL import Image   # python3-pil

    abs_path = os.path.abspath(path)
    if not os.path.isfile(abs_path):
        raise BrowserError("no such file: %s" % abs_path)
    self_url = "file://" + urllib.parse.quote(abs_path)
    problems = []
    browser = _Chromium(deadline)
    cdp = None
    # Hard bound: whatever blocks, kill the browser at the deadline, which
    # breaks the websocket and makes every pending call fail.
    watchdog = threading.Timer(max(0.0, deadline.left()) + 2.0, browser.kill)
    watchdog.daemon = True
    try:
        browser.start()
        watchdog.start()
        port = browser.devtools_port()
        ws_url = None
        while ws_url is None:
            deadline.check("waiting for the page target")
            try:
                with urllib.request.urlopen(
                        "http://127.0.0.1:%d/json/list" % port,
                        timeout=max(0.5, min(5.0, deadline.left()))) as r:
                    targets = json.load(r)
                for t in targets:
                    if t.get("type") == "page" and t.get("webSocketDebuggerUrl"):
                        ws_url = t["webSocketDebuggerUrl"]
                        break
            except (OSError, ValueError):
                pass
            if ws_url is None:
                time.sleep(0.1)
        cdp = _CDP(ws_url, deadline)
        for domain in ("Page", "Runtime", "Log", "Network"):
            cdp.call(domain + ".enable")
        cdp.call("Network.setCacheDisabled", cacheDisabled=True)
        cdp.call("Emulation.setDeviceMetricsOverride", width=VIEWPORT_WIDTH,
                 height=VIEWPORT_HEIGHT, deviceScaleFactor=1, mobile=False)
        start = len(cdp.events)
        nav = cdp.call("Page.navigate", url=self_url)
        if nav.get("errorText"):
            problems.append("navigation failed: " + nav["errorText"])
        loaded = cdp.wait_event("Page.loadEventFired", start,
                                max(1.0, deadline.left() - 15.0))
        if loaded is None:
            problems.append("load event did not fire")
        cdp.drain(0.3)   # late console messages / requests

        size = cdp.evaluate(_SIZE_JS) or {}
        width = max(VIEWPORT_WIDTH, int(size.get("width") or 0))
        height = max(1, int(size.get("height") or VIEWPORT_HEIGHT))
        if height > MAX_PAGE_HEIGHT:
            problems.append("page is %d px high; only the top %d px are "
                            "screenshot" % (height, MAX_PAGE_HEIGHT))
            height = MAX_PAGE_HEIGHT
        cdp.call("Emulation.setDeviceMetricsOverride", width=VIEWPORT_WIDTH,
                 height=height, deviceScaleFactor=1, mobile=False)
        cdp.evaluate(_SETTLE_JS, await_promise=True)
        figures_raw = cdp.evaluate(_FIGURES_JS) or []
        shot = cdp.call("Page.captureScreenshot", format="png",
                        captureBeyondViewport=True, fromSurface=True,
                        clip={"x": 0, "y": 0, "width": width,
                              "height": height, "scale": 1})
        png = base64.b64decode(shot["data"])
        cdp.drain(0.2)
    finally:
        watchdog.cancel()
        if cdp is not None:
            cdp.close()
        browser.cleanup()

    if screenshot:
        with open(screenshot, "wb") as f:
            f.write(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if image.width != width:   # should not happen at scale factor 1
        image = image.resize((width, int(round(image.height * width /
                                               image.width))))

    console, requests = _collect(cdp.events, self_url)
    figures = []
    for i, fig in enumerate(figures_raw):
        area = fig.get("plot_area") or fig["rect"]
        ink, colours, pixels = analyse_area(image, area)
        blank = pixels == 0 or ink < min_ink_fraction or colours < min_colours
        entry = {"title": fig.get("title"), "x_label": fig.get("x_label"),
                 "y_label": fig.get("y_label"),
                 "width": round(fig["rect"]["width"], 1),
                 "height": round(fig["rect"]["height"], 1),
                 "plot_area": {k: round(v, 1) for k, v in area.items()}
                 if fig.get("plot_area") else None,
                 "ink_fraction": round(ink, 5), "colours": colours,
                 "blank": blank}
        figures.append(entry)
        name = "figure %d (%s)" % (i + 1, fig.get("title") or "untitled")
        if blank:
            problems.append("%s is blank: ink %.4f%%, %d colours" % (
                name, 100 * ink, colours))
        if fig.get("plot_area") is None:
            problems.append(name + " has no .plot-area")
        if require_labels:
            for key in ("title", "x_label", "y_label"):
                if not fig.get(key):
                    problems.append("%s has no %s" % (name, key))
    if len(figures) < min_figures:
        problems.append("%d svg.plot figures, expected at least %d" % (
            len(figures), min_figures))
    if console:
        problems.append("%d console error(s)" % len(console))
    external = [r for r in requests if not r["data"]]
    if external:
        problems.append("%d network request(s)" % len(external))
    return {"file": abs_path, "console_errors": console, "requests": requests,
            "figures": figures, "page": {"width": width, "height": height},
            "problems": problems, "ok": not problems}


def check_report(path, screenshot=None, timeout=DEFAULT_TIMEOUT,
                 min_figures=1, require_labels=True,
                 min_ink_fraction=MIN_INK_FRACTION, min_colours=MIN_COLOURS):
    """Open `path` in headless Chromium and check it (see module doc).

    Returns a dict: console_errors, requests, figures (title, x_label,
    y_label, width, height, plot_area, ink_fraction, colours, blank),
    page, problems (why ok is false) and ok.  Writes the full-page PNG to
    `screenshot` if given.  Raises BrowserError if Chromium cannot be run
    or the `timeout` (seconds, covering everything) expires.  ok also
    requires at least `min_figures` svg.plot figures and, if
    `require_labels`, non-empty title/x-label/y-label texts in each.
    """
    return _run(path, screenshot, _Deadline(timeout), min_figures,
                require_labels, min_ink_fraction, min_colours)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report")
    ap.add_argument("--screenshot", metavar="OUT.png")
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT)
    ap.add_argument("--min-figures", type=int, default=1)
    args = ap.parse_args(argv)
    try:
        result = check_report(args.report, args.screenshot, args.timeout,
                              args.min_figures)
    except BrowserError as exc:
        print(json.dumps({"ok": False, "error": str(exc)}, indent=2))
        return 1
    print(json.dumps(result, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
