"""Find markup that the Content-Security-Policy (``script-src 'self'``) would block.

A blocked script fails silently in the browser, so the tests look for it in the markup
instead: inline ``<script>`` with code, ``on…=`` event handler attributes and
``javascript:`` URLs. ``<script src=…>`` and ``json_script``'s ``type="application/json"``
data blocks are fine: the first is our own file, the second is never run.
"""
import re

SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
SCRIPT_SRC = re.compile(r"\bsrc\s*=", re.IGNORECASE)
HANDLER = re.compile(r"<[a-z][^<>]*?\s(on[a-z]+)\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""\s(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
DATA_TYPES = {"application/json"}


def csp_violations(html):
    """Return a short description of each piece of markup the policy would block."""
    found = []
    for match in SCRIPT.finditer(html):
        attrs, body = match.group(1), match.group(2)
        script_type = SCRIPT_TYPE.search(attrs)
        if SCRIPT_SRC.search(attrs) or (script_type and script_type.group(1).lower() in DATA_TYPES):
            continue
        if body.strip():
            found.append(f"内联脚本：{body.strip()[:60]!r}")
    found += [f"事件属性 {m.group(1)}=" for m in HANDLER.finditer(html)]
    found += [f"javascript: 地址：{m.group(0).strip()[:60]!r}" for m in JS_URL.finditer(html)]
    return found
