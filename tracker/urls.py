"""The product's own pages for tasks (everything else is in the admin)."""
from django.urls import path

from tracker import views

app_name = "tracker"

urlpatterns = [
    path("export/tasks.xlsx", views.export_tasks, name="export_tasks"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
]
