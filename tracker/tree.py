"""The organisation as a tree: which units lie under a unit, read in one query.

Departments keep a plain parent key. "This unit and everything under it" is one
recursive query (WITH RECURSIVE, the same SQL on PostgreSQL and SQLite) that reads
only the subtree, through the index on ``parent_id``. The result is a short list of
ids that task queries then use with their own indexes (``lead_department_id IN …``).
"""
from django.db import connection

from tracker.models import Department

# UNION (not UNION ALL) drops a unit seen twice, so even a cycle written straight into
# the database (the forms refuse one) ends the recursion instead of looping.
_SUBTREE_SQL = """
WITH RECURSIVE subtree(id) AS (
    SELECT id FROM {table} WHERE id = %s
    UNION
    SELECT child.id FROM {table} AS child JOIN subtree ON child.parent_id = subtree.id
)
SELECT id FROM subtree
"""


def subtree_ids(department_id: int | None) -> frozenset[int]:
    """Return the ids of unit ``department_id`` and of every unit under it (empty for None)."""
    if department_id is None:
        return frozenset()
    sql = _SUBTREE_SQL.format(table=connection.ops.quote_name(Department._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [department_id])
        return frozenset(row[0] for row in cursor.fetchall())


def below_ids(department_id: int | None) -> frozenset[int]:
    """Return the ids of the units strictly under ``department_id`` (its subtree without itself)."""
    return subtree_ids(department_id) - {department_id}


def tree_order(departments) -> list[tuple[int, object]]:
    """Return [(depth, department)] in tree order: each unit followed by the units under it.

    ``departments`` are Department objects (any order; their own ``order``/``name`` order
    siblings). A unit whose parent is not among them starts a tree of its own. Pure.
    """
    by_parent = {}
    ids = {d.pk for d in departments}
    for dept in departments:
        key = dept.parent_id if dept.parent_id in ids else None
        by_parent.setdefault(key, []).append(dept)
    for siblings in by_parent.values():
        siblings.sort(key=lambda d: (d.order, d.name))
    out, seen = [], set()

    def walk(parent_key, depth):
        for dept in by_parent.get(parent_key, ()):
            if dept.pk in seen:
                continue
            seen.add(dept.pk)
            out.append((depth, dept))
            walk(dept.pk, depth + 1)

    walk(None, 0)
    # Units caught in a cycle (only possible through raw SQL) still show, at the top level.
    out.extend((0, d) for d in departments if d.pk not in seen)
    return out
