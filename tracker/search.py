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
from django.db.models import BooleanField, F, Func, Q, QuerySet, TextField, Value

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
        queryset = queryset.filter(bigrams_match(keyword))
    return queryset.filter(contains_q(keyword))
