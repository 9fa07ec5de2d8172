#!/usr/bin/env python3
"""Taps a tag chip of the catalog in headless Chromium at a phone's size.

usage: catalog-chips.py CHROMIUM URL TAG WANT_TITLE NOT_TITLE [WIDTH HEIGHT]

Opens URL (the catalog) at WIDTH x HEIGHT (default 360 x 740) with
JavaScript off, as a buyer on a basic phone browses; measures that the page
does not scroll sideways (chrome-width.py's measure); finds the chip of TAG
in the tag row and taps it with real touch-sized mouse events at its
centre (not a script's click()), waits for the page it leads to, and
checks that the URL has tag=TAG, the chip is marked aria-current, a
product titled WANT_TITLE is listed and none titled NOT_TITLE, and that
this page does not scroll sideways either. Prints one JSON line per step;
exits 0 when all holds, 1 when something does not, 2 when Chromium could
not be driven.
"""
import importlib.util, json, os, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location(
    "chrome_width", os.path.join(HERE, "chrome-width.py"))
cw = importlib.util.module_from_spec(spec)
spec.loader.exec_module(cw)

# The chip's centre in CSS pixels, scrolled into view first; null when the
# tag row has no chip for the tag.
FIND = r"""(() => {
  const a = [...document.querySelectorAll('nav.chips.tags a')]
    .find(e => e.textContent.trim() === %s);
  if (!a) return null;
  a.scrollIntoView({block: 'center'});
  const r = a.getBoundingClientRect();
  return JSON.stringify({x: r.left + r.width / 2, y: r.top + r.height / 2,
    w: r.width, right: r.right});
})()"""

# What the filtered page shows.
STATE = r"""JSON.stringify({url: location.href,
  titles: [...document.querySelectorAll('.card h2')].map(e => e.textContent),
  current: [...document.querySelectorAll('nav.chips.tags a[aria-current]')]
    .map(e => e.textContent.trim())})"""


def measure(cdp, s, width):
    out = json.loads(cdp.evaluate(cw.MEASURE, s))
    print(json.dumps({"measure": out}))
    return out["scroll"] <= width and not out["wide"] and \
        out["viewport"] == width


def run(cdp, s, url, tag, want, not_want, width):
    nav = cdp.call("Page.navigate", {"url": url}, s)
    if nav.get("errorText"):
        raise RuntimeError(nav["errorText"])
    cdp.wait_loaded(s)
    ok = measure(cdp, s, width)
    pos = cdp.evaluate(FIND % json.dumps(tag), s)
    if pos is None:
        print(json.dumps({"error": "no chip for " + tag}))
        return 1
    pos = json.loads(pos)
    print(json.dumps({"chip": pos}))
    if pos["right"] > width + 0.5:
        ok = False
    before = cdp.evaluate("location.href", s)
    for kind in ("mousePressed", "mouseReleased"):
        cdp.call("Input.dispatchMouseEvent", {"type": kind, "x": pos["x"],
                 "y": pos["y"], "button": "left", "clickCount": 1}, s)
    deadline = time.time() + 60
    while time.time() < deadline:
        if cdp.evaluate("location.href !== %s && document.readyState ==="
                        " 'complete'" % json.dumps(before), s):
            break
        time.sleep(0.1)
    else:
        print(json.dumps({"error": "the tap did not navigate"}))
        return 1
    st = json.loads(cdp.evaluate(STATE, s))
    print(json.dumps({"after": st}))
    if ("tag=" + tag) not in st["url"] or st["current"] != [tag]:
        ok = False
    if want not in st["titles"] or not_want in st["titles"]:
        ok = False
    ok = measure(cdp, s, width) and ok
    return 0 if ok else 1


def main(argv):
    if len(argv) not in (5, 7):
        sys.exit(__doc__)
    chrome, url, tag, want, not_want = argv[:5]
    width, height = (int(argv[5]), int(argv[6])) if len(argv) == 7 else (360, 740)
    b = cw.Browser(chrome, width, height, "catalog-chips.")
    cdp = b.cdp
    try:
        s = b.page()
        # A basic phone's browser: the chips must work as plain links.
        cdp.call("Emulation.setScriptExecutionDisabled", {"value": True}, s)
        return run(cdp, s, url, tag, want, not_want, width)
    except (RuntimeError, TimeoutError, EOFError, KeyError) as e:
        print(json.dumps({"error": str(e)}))
        return 2
    finally:
        b.close()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
