"""Pages for speeches: upload, review and confirm."""
from django.urls import path

app_name = "speeches"

urlpatterns = []
