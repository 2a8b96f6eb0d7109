"""The product's own pages for tasks (everything else is in the admin)."""
from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("tasks/<int:pk>/history/", views.task_history, name="task_history"),
    path("tasks/<int:pk>/progress/", views.progress_add, name="progress_add"),
    path("tasks/<int:pk>/transition/<slug:action>/", views.task_transition, name="task_transition"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
]
