"""Headers every page the product answers carries, whatever view made it.

Pages show officials' tasks, reports and leaders' instructions, so no browser or proxy
cache may keep them (``no-store``); and the browser should run only the product's own
script files, so an injected ``<script>`` or ``onclick=`` does nothing (the
Content-Security-Policy in ``settings.CONTENT_SECURITY_POLICY``).

Static files never reach this middleware: WhiteNoise sits above it in ``MIDDLEWARE`` and
answers them first, so their long-lived caching stays. A view that chose its own
``Cache-Control`` (Django's ``never_cache`` on the admin) or policy keeps it.
"""
from django.conf import settings


class PageHeadersMiddleware:
    """Add ``Cache-Control: no-store, private`` and the CSP where the view set none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Cache-Control", "no-store, private")
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response
