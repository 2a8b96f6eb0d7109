"""Pages of the 督办台账: export and import (included by tracker.urls)."""
from django.urls import path

from tracker.ledger import views

urlpatterns = [
    path("export/tasks.xlsx", views.export_tasks, name="export_tasks"),
    path("export/jobs/<int:pk>/", views.export_job, name="export_job"),
    path("export/jobs/<int:pk>/download/", views.export_job_download, name="export_job_download"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
]
