"""Page helpers shared by the product's pages (tracker and speeches): the admin's frame, and a task or 404."""
from django.conf import settings
from django.contrib import admin
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject, cached_property

from tracker import selectors, task_cache
from tracker.models import Task


def render_page(request, template, context, status=200):
    """Render a product page with the admin's context (site header, user links), so it looks like the admin."""
    return render(request, template, {**admin_frame(request), **context}, status=status)


def admin_frame(request):
    """Return the admin's ``each_context`` for a product page, without building the admin's app list.

    The app list (every registered model, each with a permission check) is drawn only by the
    admin's navigation sidebar and index, never on a product page; building it on every list
    page cost about a tenth of the page's CPU. It stays available, built only if a template
    asks for it. The navigation sidebar stays on admin screens: task tables need the width.
    (tests/tracker/test_task_list.py checks the keys still match Django's each_context.)
    """
    site = admin.site
    script_name = request.META.get("SCRIPT_NAME", "")
    return {
        "site_title": site.site_title,
        "site_header": site.site_header,
        "site_url": script_name if site.site_url == "/" and script_name else site.site_url,
        "has_permission": site.has_permission(request),
        "available_apps": SimpleLazyObject(lambda: site.get_app_list(request)),
        "is_popup": False,
        "is_nav_sidebar_enabled": False,
        "log_entries": site.get_log_entries(request),
    }


def task_or_404(user, pk, *, get=selectors.task_detail_get):
    """Return task ``pk`` as ``get`` reads it; a task ``user`` may not see is a 404, as if it did not exist."""
    try:
        return get(user=user, pk=pk)
    except Task.DoesNotExist:
        raise Http404("任务不存在，或您无权查看。") from None


class CountCachedPaginator(Paginator):
    """A Paginator whose total (共 N 项) comes from the cache under ``count_key`` when it can.

    Counting 100,000 visible tasks is the costliest query of a list's first page and
    its answer is the same for every page and every reader of the same scope until a
    task changes; the key (task_cache.reading_key) holds the scope, the filters, the day
    and the tasks version, so a write or a new day counts afresh.
    """

    def __init__(self, object_list, per_page, *, count_key=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        if self.count_key:
            cached = task_cache.cached_get(self.count_key)
            if cached is not None:
                return cached
        total = super().count
        if self.count_key:
            task_cache.cached_set(self.count_key, total, settings.TASK_CACHE_SECONDS)
        return total
