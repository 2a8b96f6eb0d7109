"""The product's own pages (everything else is in the admin): the core's task pages and the wings' pages.

This module and ``apps.py`` are the only places of the core that name the wings: they
wire them in. URL names stay in the one ``tracker`` namespace.
"""
from django.urls import path

from tracker import views
from tracker.ledger.urls import urlpatterns as ledger_urls
from tracker.papers.urls import urlpatterns as papers_urls
from tracker.supervision.urls import urlpatterns as supervision_urls

app_name = "tracker"

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/history/", views.task_history, name="task_history"),
    path("tasks/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("tasks/<int:pk>/subtasks/", views.subtask_add, name="subtask_add"),
    path("tasks/<int:pk>/transition/<slug:action>/", views.task_transition, name="task_transition"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    *supervision_urls,
    *ledger_urls,
    *papers_urls,
]
