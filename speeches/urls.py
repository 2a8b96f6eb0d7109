"""Pages for speeches: upload, review and confirm."""
from django.urls import path

from speeches import views

app_name = "speeches"

urlpatterns = [
    path("upload/", views.upload, name="upload"),
    path("uploads/<int:pk>/", views.upload_detail, name="upload_detail"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
]
