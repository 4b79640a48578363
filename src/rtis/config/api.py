"""The JSON API under /api/v1/: one NinjaAPI, routers from the apps, JSON errors people can act on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError

from rtis.facilities.api import router as facilities_router
from rtis.grants.api import router as grants_router
from rtis.lib.conflict import EditConflict
from rtis.ntis.api import router as ntis_router
from rtis.plans.api import router as plans_router
from rtis.review.api import router as review_router
from rtis.rnd.api import router as rnd_router
from rtis.search.api import router as search_router
from rtis.tracking.api import router as tracking_router

api = NinjaAPI(
    title="Seoul RTIS API",
    version="1.0.0",
    description=(
        "서울 R&D·혁신성장 정보시스템의 공개 API입니다. 금액은 모두 원(정수)입니다. "
        "/ The Seoul RTIS API. All money is integer won. Unpublished plans are visible only "
        "to signed-in staff (session cookie)."
    ),
    openapi_url="/openapi.json",
    docs_url=None,  # the bundled docs page loads from a CDN; the intranet has none
    urls_namespace="api-1.0.0",
)
api.add_router("/plans", plans_router, tags=["plans"])
api.add_router("/tracking", tracking_router, tags=["tracking"])
api.add_router("/facilities", facilities_router, tags=["facilities"])
api.add_router("/review", review_router, tags=["review"])
api.add_router("/grants", grants_router, tags=["grants"])
api.add_router("/rnd", rnd_router, tags=["rnd"])
api.add_router("/search", search_router, tags=["search"])
api.add_router("/ntis", ntis_router, tags=["ntis"])


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own refusals (400: a body that is not JSON) in both languages."""
    detail = str(exc)
    if exc.status_code == 400:
        detail = ("요청 본문을 JSON으로 읽을 수 없습니다 / the request body is not valid JSON: "
                  f"{detail}")
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(NinjaValidationError)
def invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()))
        problems.append({"field": where, "message": error.get("msg", "")})
    text = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return api.create_response(
        request,
        {"detail": f"요청 값이 올바르지 않습니다 / invalid request: {text}", "errors": problems},
        status=422,
    )


@api.exception_handler(ValidationError)
def rejected(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """An action refused the values: 422 with its bilingual messages, field by field."""
    fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    problems = [{"field": field, "message": message}
                for field, messages in fields.items() for message in messages]
    text = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
    return api.create_response(
        request,
        {"detail": f"요청 값이 올바르지 않습니다 / invalid request: {text}", "errors": problems},
        status=422,
    )


@api.exception_handler(EditConflict)
def conflict(request: HttpRequest, exc: EditConflict) -> HttpResponse:
    """Someone saved first: 409 with the stored values and the version to send next time."""
    return api.create_response(
        request,
        {"detail": str(exc), "current": exc.current, "version": exc.current_version,
         "changed_by": exc.changed_by},
        status=409,
    )
