"""Writing thousands of rows at once with PostgreSQL's COPY (a file import, its audit entries):
ids are reserved beforehand when the rows written next need them."""

from django.db import connections, router


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
    connection = connections[using]
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and getattr(objs[0], field.attname) is None)
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    # The cursor's own copy(): counted and logged as one query, as an INSERT would be.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )
    for obj in objs:
        obj._state.adding, obj._state.db = False, using


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
