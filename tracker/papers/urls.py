"""Downloads of the Word papers (included by tracker.urls)."""
from django.urls import path

from tracker.papers import views

urlpatterns = [
    path("papers/speeches/<int:pk>/breakdown.docx", views.speech_breakdown, name="paper_speech_breakdown"),
    path("papers/breakdown.docx", views.tasks_breakdown, name="paper_breakdown"),
    path("papers/tasks/<int:pk>/notice.docx", views.task_notice, name="paper_task_notice"),
    path("papers/notices.docx", views.tasks_notices, name="paper_notices"),
    path("papers/bulletin.docx", views.tasks_bulletin, name="paper_bulletin"),
]
