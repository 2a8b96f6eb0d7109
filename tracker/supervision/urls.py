"""Pages of supervision: the dashboard and the task panel's actions (included by tracker.urls)."""
from django.urls import path

from tracker.supervision import views

urlpatterns = [
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("tasks/<int:pk>/chase/", views.task_chase, name="task_chase"),
    path("tasks/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("tasks/<int:pk>/instructions/", views.instruction_add, name="instruction_add"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
]
