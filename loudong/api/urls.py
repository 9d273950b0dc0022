"""The JSON API (django-ninja); its OpenAPI document is served at /api/v1/openapi.json."""

from ninja import NinjaAPI

from loudong.api import auth, errors, registry

api = NinjaAPI(
    title="Loudong API",
    version="1",
    urls_namespace="api",
    description=(
        "楼栋党小组平台的接口。先用 POST /auth/token 换取令牌，"
        "再在请求头带上 Authorization: Bearer <令牌>。电话和身份证号一律遮挡显示。"
    ),
)
errors.install(api)
api.add_router("", auth.router)
api.add_router("", registry.router)
