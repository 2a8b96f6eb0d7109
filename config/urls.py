from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tracker.forms import LoginForm

admin.site.site_header = "讲话任务督办系统"
admin.site.site_title = "讲话任务督办系统"
admin.site.index_title = "督办工作台"
admin.site.login_form = LoginForm  # its refusal in plain Chinese

# A post too large to read gets the speech limits instead of a bare "bad request".
handler400 = "speeches.views.bad_request"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("speeches/", include("speeches.urls")),
    path("", include("tracker.urls")),
]
