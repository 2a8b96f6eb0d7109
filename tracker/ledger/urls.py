"""Pages of the 督办台账: export and import (included by tracker.urls)."""
from django.urls import path

from tracker.ledger import views

urlpatterns = [
    path("export/tasks.xlsx", views.export_tasks, name="export_tasks"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
]
