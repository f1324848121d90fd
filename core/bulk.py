"""Writing thousands of rows at once with PostgreSQL's COPY (a file import, its audit entries):
ids are reserved beforehand when the rows written next need them."""

from django.db import connections, router
from django.utils import timezone


def copy_create(objs, using=None) -> None:
    """Insert unsaved instances of one model with PostgreSQL's COPY: one round trip, and the
    values go over as rows rather than as arrays of literals (what `bulk_create` sends), which
    is several times cheaper for thousands of rows. Like `bulk_create` it sends no signals and
    runs no validators; unlike it, it sets no primary key that the database would generate, so
    use it for rows nobody reads back (their pk, if it has a Python default, is sent as is)."""
    objs = list(objs)
    if not objs:
        return
    model = type(objs[0])
    using = using or router.db_for_write(model)
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and getattr(objs[0], field.attname) is None)
    ]
    _copy(model, fields, ([field.pre_save(obj, True) for field in fields] for obj in objs), using)
    for obj in objs:
        obj._state.adding, obj._state.db = False, using


def copy_rows(model, rows: list[dict], using=None) -> None:
    """`copy_create` for rows given as {field name: value} (a related object or its id), without
    building model instances; a field left out gets its default (the time now if it is stamped
    automatically)."""
    if not rows:
        return
    now = timezone.now()
    fields = [
        field
        for field in model._meta.concrete_fields
        if field.has_default() or not field.primary_key
    ]

    def values(row):
        for field in fields:
            if field.name in row:
                value = row[field.name]
                yield value.pk if field.is_relation and value is not None else value
            elif field.attname in row:
                yield row[field.attname]
            elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                yield now
            else:
                yield field.get_default()

    _copy(model, fields, (list(values(row)) for row in rows), using)


def _copy(model, fields, rows, using) -> None:
    connection = connections[using or router.db_for_write(model)]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    prepare = [field.get_db_prep_save for field in fields]
    # The cursor's own copy(): counted and logged as one query, as an INSERT would be.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = zip(prepare, row, strict=True)
            copy.write_row([to_db(value, connection) for to_db, value in values])


def reserve_ids(model, count: int, using=None) -> list[int]:
    """The next `count` values of the model's id sequence, in one query: ids to give rows
    written with `copy_create` when their ids are needed afterwards."""
    if count <= 0:
        return []
    connection = connections[using or router.db_for_write(model)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]
