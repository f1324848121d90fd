"""A browser's User-Agent header, named as people say it: "Chrome on Linux"."""

import re

# Most specific first: Edge and Opera carry "Chrome" too, Chrome carries "Safari", and
# every Chromium browser on iOS is a Safari underneath.
BROWSERS = [
    ("Edge", r"\bEdg(e|A|iOS)?/"),
    ("Opera", r"\b(OPR|Opera)/"),
    ("Samsung Internet", r"\bSamsungBrowser/"),
    ("Firefox", r"\b(Firefox|FxiOS)/"),
    ("Chrome", r"\b(Chrome|CriOS|Chromium)/"),
    ("Safari", r"\bSafari/"),
    ("curl", r"^curl/"),
]
SYSTEMS = [
    ("Android", r"\bAndroid\b"),
    ("iOS", r"\b(iPhone|iPad|iPod)\b"),
    ("ChromeOS", r"\bCrOS\b"),
    ("Windows", r"\bWindows\b"),
    ("macOS", r"\bMac OS X\b|\bMacintosh\b"),
    ("Linux", r"\bLinux\b|\bX11\b"),
]


def describe(user_agent: str) -> str:
    """ "Firefox on Windows", "Safari on iOS"; "Unknown browser" when nothing is recognised."""
    header = user_agent or ""
    browser = next((name for name, pattern in BROWSERS if re.search(pattern, header)), None)
    system = next((name for name, pattern in SYSTEMS if re.search(pattern, header)), None)
    if browser and system:
        return f"{browser} on {system}"
    if browser or system:
        return browser or f"A browser on {system}"
    return "Unknown browser"
