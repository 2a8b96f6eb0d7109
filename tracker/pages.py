"""Page helpers shared by the product's pages (tracker and speeches): the admin's frame, and a task or 404."""
from django.contrib import admin
from django.http import Http404
from django.shortcuts import render

from tracker import selectors
from tracker.models import Task


def render_page(request, template, context, status=200):
    """Render a product page with the admin's context (site header, user links), so it looks like the admin."""
    # The admin's navigation sidebar stays on admin screens: task tables need the width.
    context = {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **context}
    return render(request, template, context, status=status)


def task_or_404(user, pk, *, get=selectors.task_detail_get):
    """Return task ``pk`` as ``get`` reads it; a task ``user`` may not see is a 404, as if it did not exist."""
    try:
        return get(user=user, pk=pk)
    except Task.DoesNotExist:
        raise Http404("任务不存在，或您无权查看。") from None
