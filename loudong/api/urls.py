"""The JSON API (django-ninja); its OpenAPI document is served at /api/v1/openapi.json."""

from ninja import NinjaAPI

from loudong.api import auth, errors, outreach, partners, projects, registry, requests, stats, tokens

api = NinjaAPI(
    title="Loudong API",
    version="1",
    urls_namespace="api",
    description=(
        "楼栋党小组平台的接口。先用 POST /auth/token 换取令牌，"
        "再在请求头带上 Authorization: Bearer <令牌>。令牌闲置超过设定天数（默认 30 天）、账号改密码或被撤销后失效；"
        "GET /tokens 列出、DELETE /tokens/{token_id} 撤销。档案中的电话和身份证号一律遮挡显示；"
        "点单中居民的联系电话只对需要联系居民的组长、社区管理员和承办志愿者完整显示。"
        "每个 POST 都可带 Idempotency-Key 请求头：同一个键重试时返回第一次的结果，不会重复办理。"
        "志愿者手机网页（可离线使用）调用的接口（我的包户、记走访、接单、办结、问居民）也接受网页的登录状态："
        "同源请求带上登录 Cookie，写操作还须在请求头 X-CSRFToken 中带上本站的 CSRF 令牌，否则拒绝（403）。"
    ),
)
errors.install(api)
api.add_router("", auth.router)
api.add_router("", tokens.router)
api.add_router("", registry.router)
api.add_router("", requests.router)
api.add_router("", outreach.router)
api.add_router("", partners.router)
api.add_router("", stats.router)
api.add_router("", projects.router)
