"""Pagination helpers."""

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    """A paginator given its count, when the page already read it with other figures in one query,
    instead of counting the rows again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count  # replaces Paginator.count, a cached property
