"""The product's own pages for tasks (everything else is in the admin)."""
from django.urls import path

from tracker import supervision_views
from tracker import views

app_name = "tracker"

urlpatterns = [
    path("dashboard/", supervision_views.dashboard_view, name="dashboard"),
    path("tasks/<int:pk>/chase/", supervision_views.task_chase, name="task_chase"),
    path("tasks/<int:pk>/extension/", supervision_views.extension_request, name="extension_request"),
    path("tasks/<int:pk>/instructions/", supervision_views.instruction_add, name="instruction_add"),
    path("extensions/<int:pk>/decide/", supervision_views.extension_decide, name="extension_decide"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/history/", views.task_history, name="task_history"),
    path("tasks/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("tasks/<int:pk>/transition/<slug:action>/", views.task_transition, name="task_transition"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("export/tasks.xlsx", views.export_tasks, name="export_tasks"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
]
