"""Health endpoints for a load balancer: no sign-in, no session, a few milliseconds.

``/healthz``: the process answers (touches nothing else). ``/readyz``: the database answers and
every migration is applied; 503 with the reason otherwise.
"""

from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


@transaction.non_atomic_requests
@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


def pending_migrations():
    """Names of the migrations not applied to the default database."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


@transaction.non_atomic_requests
@never_cache
@require_safe
def readyz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        pending = pending_migrations()
    except DatabaseError as error:
        return JsonResponse({"status": "unavailable", "database": f"unreachable: {type(error).__name__}"}, status=503)
    if pending:
        return JsonResponse({"status": "unavailable", "database": "ok", "pending_migrations": pending}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
