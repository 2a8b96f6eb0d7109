"""关键词: find tasks whose number, title, content, owners or responsible person contain a keyword.

The answer is always Django's ``icontains`` on those five columns. On PostgreSQL an
index first narrows the rows to check, so a search does not read the whole table:
a GIN index over the *bigrams* (every two neighbouring characters, upper-cased) of the
five columns. Text containing the keyword contains each of the keyword's bigrams, so
"the task's bigrams contain the keyword's bigrams" (``@>``) keeps every true match and
drops most others; ``icontains`` then checks the few left. Bigrams rather than
pg_trgm's trigrams because Chinese keywords are often two characters (校舍, 食堂),
which a trigram index cannot look up. A one-character keyword has no bigram: it
reads the table as before, as SQLite always does (the demo's and the tests' few
thousand tasks need no index).

The SQL functions ``duban_bigrams(text)`` and ``duban_task_bigrams(the five columns)`` and the
index are created by migration 0009, on PostgreSQL only.
"""
from django.db import connections
from django.db.models import BooleanField, ExpressionWrapper, F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce

FIELDS = ("serial", "title", "content", "owner_text", "responsible_person")

INDEX_NAME = "task_keyword_bigrams"  # over duban_task_bigrams(serial, title, content, owner_text, responsible_person)


def contains_q(keyword: str) -> Q:
    """The plain condition: ``keyword`` in any of the searched columns, case aside."""
    q = Q()
    for name in FIELDS:
        q |= Q(**{f"{name}__icontains": keyword})
    return q


def bigrams_match(keyword: str) -> Func:
    """The indexed condition: the task's bigrams contain all of ``keyword``'s (PostgreSQL only)."""
    task_bigrams = Func(*[F(name) for name in FIELDS], function="duban_task_bigrams", output_field=TextField())
    keyword_bigrams = Func(Value(keyword), function="duban_bigrams", output_field=TextField())
    return Func(task_bigrams, keyword_bigrams, template="%(expressions)s", arg_joiner=" @> ",
                output_field=BooleanField())


def keyword_filter(queryset: QuerySet, keyword: str) -> QuerySet:
    """Return the tasks of ``queryset`` containing ``keyword``, through the bigram index where there is one."""
    if len(keyword) >= 2 and connections[queryset.db].vendor == "postgresql":
        return queryset.filter(bigrams_match(keyword), recheck(keyword))
    return queryset.filter(contains_q(keyword))


def recheck(keyword: str) -> Coalesce:
    """``contains_q`` as the check of the index's candidates, written so the planner prices it right.

    PostgreSQL has no statistics on UPPER(content) and guesses that ``LIKE '%校舍%'`` on
    five columns keeps a fraction of a percent of the rows the index found, when it
    keeps most of them (every one, for a two-character keyword). Believing a common
    keyword finds a few dozen tasks, it read all 19,000 tasks holding 校舍 at 100,000
    and sorted them for a page of 50 (20 ms, three processes). Wrapped in COALESCE
    (…, false), which means the same in a WHERE clause, the check counts as keeping
    half: a common keyword then walks the list's order index and stops after a page
    (2.5 ms), and a rare one still reads its few rows through the bigram index.
    """
    return Coalesce(ExpressionWrapper(contains_q(keyword), output_field=BooleanField()), Value(False))
