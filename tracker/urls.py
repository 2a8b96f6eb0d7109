"""The product's own pages for tasks (everything else is in the admin)."""
from django.urls import path

from tracker import supervision_views

app_name = "tracker"

urlpatterns = [
    path("dashboard/", supervision_views.dashboard_view, name="dashboard"),
    path("tasks/<int:pk>/chase/", supervision_views.task_chase, name="task_chase"),
    path("tasks/<int:pk>/extension/", supervision_views.extension_request, name="extension_request"),
    path("tasks/<int:pk>/instructions/", supervision_views.instruction_add, name="instruction_add"),
    path("extensions/<int:pk>/decide/", supervision_views.extension_decide, name="extension_decide"),
]
