"""What every registry view shares besides access (loudong.registry.access): lists, pages, htmx."""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from loudong.registry.models import (
    ResidentQuerySet,
)

PER_PAGE = 50


def resident_list(residents: ResidentQuerySet) -> ResidentQuerySet:
    """What a row of the residents list shows, loaded in three queries for a whole page."""
    return residents.select_related("household__stairwell__building", "member").prefetch_related("care_tags")


def page_of(queryset: QuerySet, number: object) -> Page:
    """One page of 50: a count and a slice, the same on the page, the API and the benchmark."""
    return Paginator(queryset, PER_PAGE).get_page(number)


def is_htmx(request: HttpRequest) -> bool:
    """A partial update from htmx (a history restore wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-History-Restore-Request")


def varies_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response
