"""Every API error is JSON with a Chinese `detail`, like the pages' messages."""

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, ValidationError

NOT_FOUND = "未找到，或您无权查看"
NOT_AUTHENTICATED = "请先登录：在请求头 Authorization 中提供有效的令牌（Bearer）"
INVALID = "请求参数不正确"


class ErrorOut(Schema):
    detail: str


def install(api: NinjaAPI) -> None:
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        # Something outside the caller's scope is reported exactly like something that does not exist.
        return api.create_response(request, {"detail": NOT_FOUND}, status=404)

    def not_authenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
        response = api.create_response(request, {"detail": NOT_AUTHENTICATED}, status=401)
        response["WWW-Authenticate"] = "Bearer"
        return response

    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        fields = [".".join(str(part) for part in error.get("loc", ())[1:]) for error in exc.errors]
        named = "、".join(field for field in fields if field)
        detail = f"{INVALID}：{named}" if named else INVALID
        return api.create_response(request, {"detail": detail, "errors": exc.errors}, status=422)

    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(AuthenticationError, not_authenticated)
    api.add_exception_handler(ValidationError, invalid)
