"""No template relies on inline script: the CSP (``script-src 'self'``) would silently block it.

Scripts belong in static/duban/*.js, wired up with ``addEventListener``; page data goes in
``{{ value|json_script:"id" }}``. The scan reads template source, so it also covers
templates that no test renders (tests/test_headers.py scans rendered pages).
"""
from pathlib import Path

import pytest

from tests.csp_scan import csp_violations

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize("path", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_script_or_event_handler(path):
    assert csp_violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("html, found", [
    ('<script src="/static/duban/dashboard.js"></script>', 0),
    ('<script id="data" type="application/json">{"a": 1}</script>', 0),
    ("<script></script>", 0),
    ('<script>alert("x")</script>', 1),
    ('<script type="text/javascript">\n  go();\n</script>', 1),
    ('<button type="button" onclick="go()">办结</button>', 1),
    ('<body onload="init()">', 1),
    ('<a href="javascript:void(0)">催办</a>', 1),
    ('<div data-onclick="x" class="online">正常</div>', 0),
])
def test_the_scan_finds_what_the_policy_blocks(html, found):
    assert len(csp_violations(html)) == found
