from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.urls import include, path, reverse
from django.views.generic import RedirectView

from tracker.forms import LoginForm

admin.site.site_header = "讲话任务督办系统"
admin.site.site_title = "讲话任务督办系统"
admin.site.index_title = "督办工作台"
admin.site.login_form = LoginForm  # its refusal in plain Chinese

# A post too large to read gets the speech limits instead of a bare "bad request".
handler400 = "speeches.views.bad_request"


def login(request):
    """The admin's login, landing on the 待办 page unless the visitor was on the way elsewhere."""
    extra = {}
    if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
        extra[REDIRECT_FIELD_NAME] = reverse("tracker:home")
    return admin.site.login(request, extra_context=extra)


urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tracker:home", permanent=False)),
    path("admin/login/", login),
    path("admin/", admin.site.urls),
    path("speeches/", include("speeches.urls")),
    path("", include("tracker.urls")),
]
