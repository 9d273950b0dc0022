"""Input holding a NUL character (\\x00) is refused before any view sees it, with one plain message.

A NUL cannot be stored (PostgreSQL refuses it in text), Django's own form check words it oddly in
Chinese ("不允许是用空字符串"), and a search with one silently listed everything. It only ever
comes from a bad copy and paste or from a scanner, so it is refused wherever input is taken: the
path, the query string, form fields and file names, and JSON bodies. Pages answer 400 with the
message; the JSON API 422 with it as `detail`, as it words any invalid parameter; Open311 400 in its
own error list.
"""

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

MESSAGE = "输入中含有不可见的控制字符（空字符），请删除后重试。"
NUL = "\x00"


def _holds_nul(value: object) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(v) for v in value)
    return False


def has_nul(request: HttpRequest) -> bool:
    if NUL in request.path or any(NUL in key or _holds_nul(values) for key, values in request.GET.lists()):
        return True
    if request.method != "POST":
        return False
    if request.content_type == "application/json":
        try:
            return _holds_nul(json.loads(request.body))
        except ValueError:
            return False  # not JSON at all: the API says so itself
    if any(NUL in key or _holds_nul(values) for key, values in request.POST.lists()):
        return True
    return any(NUL in (upload.name or "") for upload in request.FILES.values())


def refusal(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": MESSAGE}, status=422, json_dumps_params={"ensure_ascii": False})
    if request.path.startswith("/open311/"):
        errors = [{"code": 400, "description": MESSAGE}]
        return JsonResponse(errors, status=400, safe=False, json_dumps_params={"ensure_ascii": False})
    return render(request, "bad_input.html", {"message": MESSAGE}, status=400)


class RefuseNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return refusal(request) if has_nul(request) else self.get_response(request)
