"""The product's own pages for tasks (everything else is in the admin)."""
from django.urls import path

app_name = "tracker"

urlpatterns = []
