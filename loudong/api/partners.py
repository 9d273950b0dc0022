"""双报到 endpoints: the partner units register, scoped as its pages (staff of the community), the
contact's phone always masked."""

from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from loudong.accounts.access import STAFF_ROLES
from loudong.api.auth import BearerToken
from loudong.api.errors import ErrorOut
from loudong.partners.access import visible_units
from loudong.partners.models import PartnerUnit
from loudong.registry.access import community_for
from loudong.registry.views_common import page_of

router = Router(auth=BearerToken(), tags=["双报到"])
ERRORS = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class UnitOut(Schema):
    id: int
    name: str
    kind: str = Field(description="学校 / 医院 / 企业 / 机关事业单位 / 社会组织 / 其他")
    address: str
    party_org: str = Field(description="单位党组织")
    contact_name: str
    contact_phone: str = Field(description="遮挡后的电话，如 133****0001")
    offers: list[str] = Field(description="可提供的资源：场地、资金、法律服务、医疗服务、维修服务、志愿者、其他")
    offers_note: str
    active: bool = Field(description="是否仍在共建")
    agreements: int = Field(description="共建协议份数")


class UnitPage(Schema):
    count: int
    page: int
    pages: int
    results: list[UnitOut]


class UnitQuery(Schema):
    active: bool | None = Field(None, description="只列仍在共建（true）或已停止（false）的单位")
    page: int = Field(1, ge=1, le=1_000_000, description="页码，每页 50 个")


def unit_out(unit: PartnerUnit) -> dict:
    return {
        "id": unit.pk,
        "name": unit.name,
        "kind": unit.get_kind_display(),
        "address": unit.address,
        "party_org": unit.party_org,
        "contact_name": unit.contact_name,
        "contact_phone": unit.contact_phone_masked,
        "offers": unit.offer_labels,
        "offers_note": unit.offers_note,
        "active": unit.active,
        "agreements": unit.agreement_count,
    }


@router.get("/communities/{code}/units", response={200: UnitPage, **ERRORS})
def units(request: HttpRequest, code: str, query: Query[UnitQuery]) -> dict:
    """共建单位 of the community (admin, leader, volunteer), by name, 50 a page."""
    community = community_for(request.auth, code, STAFF_ROLES)
    found = visible_units(request.auth, community)
    if query.active is not None:
        found = found.filter(active=query.active)
    page = page_of(found.annotate(agreement_count=Count("agreements")).order_by("name", "pk"), query.page)
    return {
        "count": page.paginator.count,
        "page": page.number,
        "pages": page.paginator.num_pages,
        "results": [unit_out(u) for u in page.object_list],
    }
