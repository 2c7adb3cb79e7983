"""Run by :func:`support.browser.render_offline` inside a network namespace:
``python browser_probe.py PAGE SCREENSHOT`` loads PAGE in headless Chromium through Selenium,
waits until every Vega plot element of the page has reported (or 30 s), saves a full-page
screenshot, and prints one JSON object on stdout."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT_S = 30.0

_EMBED = re.compile(r"vegaEmbed\('#([^']+)'")

_TEXTS = """
const out = {};
for (const id of arguments[0]) {
  const el = document.getElementById(id);
  out[id] = el ? Array.from(el.querySelectorAll("svg text")).map(t => t.textContent) : [];
}
return out;
"""


def main(page: str, screenshot: str) -> None:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,1000"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        divs = _EMBED.findall(Path(page).read_text(encoding="utf-8"))
        driver.get(f"file://{page}")
        deadline = time.monotonic() + WAIT_S
        plots = driver.execute_script("return window.hytnasPlots || null")
        while plots is not None and len(plots) < len(divs) and time.monotonic() < deadline:
            time.sleep(0.1)
            plots = driver.execute_script("return window.hytnasPlots")
        if plots is None:
            time.sleep(2.0)
        texts = driver.execute_script(_TEXTS, divs)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1300, min(int(height) + 50, 16000))
        driver.save_screenshot(screenshot)
        logs = [{"level": entry["level"], "message": entry["message"]} for entry in driver.get_log("browser")]
    finally:
        driver.quit()
    print(json.dumps({"plots": plots, "divs": divs, "texts": texts, "logs": logs, "screenshot": screenshot}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
