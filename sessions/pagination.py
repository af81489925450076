"""Paging long, newest-first lists so that the last page costs what the first one does.

``MirroredPaginator`` keeps page numbers (links, ``?page=N``, ``?page=last``) but reads a page past
the middle from the other end of the same index (the ordering reversed, a short ``OFFSET`` from the
end, the rows flipped back), so a page costs at most half the list's skipping and the last page
none. The order is made total first (the primary key breaks ties) so the two directions agree row
for row and no row is lost or repeated across pages when timestamps are equal.

The sessions API also offers keyset paging (``?cursor=``, DRF's cursor pagination): every page,
however deep, is an index seek.
"""

from django.core.paginator import Paginator
from rest_framework.pagination import CursorPagination, PageNumberPagination


def with_total_order(queryset):
    """``queryset`` ordered as before with the primary key as the last tie-break."""
    ordering = list(queryset.query.order_by) or list(queryset.query.get_meta().ordering)
    names = {field.lstrip("-") for field in ordering if isinstance(field, str)}
    if names & {"pk", "id"}:
        return queryset
    last = ordering[-1] if ordering else "-pk"
    descending = (isinstance(last, str) and last.startswith("-")) or getattr(last, "descending", False)
    return queryset.order_by(*ordering, "-pk" if descending else "pk")


class MirroredPaginator(Paginator):
    def __init__(self, object_list, *args, **kwargs):
        if hasattr(object_list, "query"):
            object_list = with_total_order(object_list)
        super().__init__(object_list, *args, **kwargs)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > self.count // 2 and hasattr(self.object_list, "reverse"):
            rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
            rows.reverse()
            return self._get_page(rows, number, self)
        return self._get_page(self.object_list[bottom:top], number, self)


class SessionPagination(PageNumberPagination):
    """Page numbers as everywhere in the API (``?page=N``, ``?page=last``), mirrored for deep pages;
    with ``?cursor=`` (empty for the first page) keyset pages with ``next``/``previous`` links."""

    django_paginator_class = MirroredPaginator
    cursor_query_param = "cursor"

    def paginate_queryset(self, queryset, request, view=None):
        if self.cursor_query_param in request.query_params:
            self.cursor = SessionCursorPagination()
            return self.cursor.paginate_queryset(queryset, request, view)
        self.cursor = None
        return super().paginate_queryset(with_total_order(queryset), request, view)

    def get_paginated_response(self, data):
        if self.cursor is not None:
            return self.cursor.get_paginated_response(data)
        return super().get_paginated_response(data)

    def get_paginated_response_schema(self, schema):
        return super().get_paginated_response_schema(schema)


class SessionCursorPagination(CursorPagination):
    ordering = "-created_at"
    page_size_query_param = None
