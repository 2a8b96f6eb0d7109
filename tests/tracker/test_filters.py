"""TaskFilter's choices depend on who reads it: 来源讲话 offers only the speeches the reader has tasks from."""
import pytest
from django.urls import reverse

from speeches.models import Speech
from tracker import selectors
from tracker.filters import TaskFilter
from tracker.models import Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def speeches(supervisor, departments, make_task):
    def speech(title):
        return Speech.objects.create(title=title, meeting=title, text="……", uploaded_by=supervisor)

    found = {"a": speech("教育局牵头的讲话"), "shared": speech("财政局牵头、教育局配合的讲话"),
             "b": speech("只涉及财政局的讲话"), "none": speech("还没有任务的讲话")}
    make_task(title="甲", lead_department=departments["a"], speech=found["a"])
    make_task(title="乙", lead_department=departments["b"], co_departments=[departments["a"]], speech=found["shared"])
    make_task(title="丙", lead_department=departments["b"], speech=found["b"])
    return found


def offered(user):
    field = TaskFilter({}, queryset=Task.objects.none(), user=user).form.fields["speech"]
    return {speech.title for speech in field.queryset}


@pytest.mark.parametrize("persona,keys", [
    ("supervisor", {"a", "shared", "b", "none"}), ("leader", {"a", "shared", "b", "none"}),
    ("officer_a", {"a", "shared"}), ("officer_b", {"shared", "b"}),
])
def test_speech_choices_are_the_readers_own(request, speeches, persona, keys):
    assert offered(request.getfixturevalue(persona)) == {speeches[key].title for key in keys}


def test_a_speech_not_offered_is_an_invalid_choice_not_a_leak(speeches, officer_a):
    filterset, tasks = selectors.task_list_filtered(user=officer_a, params={"speech": speeches["b"].pk})
    assert "speech" in filterset.errors
    assert "丙" not in {task.title for task in tasks}


@pytest.mark.parametrize("url", ["tracker:task_list", "tracker:dashboard"])
def test_pages_offer_officers_only_their_speeches(client, speeches, officer_a, url):
    client.force_login(officer_a)
    page = client.get(reverse(url)).content.decode()
    assert speeches["a"].title in page and speeches["shared"].title in page
    assert speeches["b"].title not in page and speeches["none"].title not in page
