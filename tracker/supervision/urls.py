"""Pages of supervision: the dashboard and the task panel's actions (included by tracker.urls)."""
from django.urls import path

from tracker.supervision import views

urlpatterns = [
    path("home/", views.home_view, name="home"),
    path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    path("notices/<int:pk>/open/", views.notice_open, name="notice_open"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("tasks/<int:pk>/chase/", views.task_chase, name="task_chase"),
    path("tasks/<int:pk>/extension/", views.extension_request, name="extension_request"),
    path("tasks/<int:pk>/instructions/", views.instruction_add, name="instruction_add"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
]
