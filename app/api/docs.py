"""The documentation pages, served from files installed with the service: no CDN, no fonts
from elsewhere, nothing loaded from another host (the pages' CSP forbids it)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Response
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

VENDOR_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"
OWN_DIR = Path(__file__).resolve().parent.parent / "static"
VENDOR_URL = "/static/docs/vendor"
OWN_URL = "/static/docs"
FAVICON_URL = f"{OWN_URL}/favicon.svg"
REDOC_JS_URL = f"{OWN_URL}/redoc.standalone.js"
# ReDoc's footer fetches a logo from its CDN; the copy served here points at a local image.
REDOC_CDN_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
REDOC_LOCAL_LOGO = f"{OWN_URL}/redoc-logo.svg".encode()


@cache
def redoc_script() -> bytes:
    script = (VENDOR_DIR / "redoc.standalone.js").read_bytes()
    return script.replace(REDOC_CDN_LOGO, REDOC_LOCAL_LOGO)


SWAGGER_UI_PARAMETERS = {
    "validatorUrl": None,  # Swagger UI would otherwise call validator.swagger.io
    "persistAuthorization": True,
    "displayRequestDuration": True,
    "docExpansion": "list",
    "tryItOutEnabled": False,
}


def install_docs(app: FastAPI) -> None:
    @app.get(REDOC_JS_URL, include_in_schema=False)
    async def redoc_js() -> Response:
        return Response(
            redoc_script(),
            media_type="text/javascript",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    app.mount(VENDOR_URL, StaticFiles(directory=VENDOR_DIR), name="docs-vendor")
    app.mount(OWN_URL, StaticFiles(directory=OWN_DIR), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{VENDOR_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{VENDOR_URL}/swagger-ui.css",
            swagger_favicon_url=FAVICON_URL,
            swagger_ui_parameters=SWAGGER_UI_PARAMETERS,
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url="/openapi.json",
            title=f"{app.title} - ReDoc",
            redoc_js_url=REDOC_JS_URL,
            redoc_favicon_url=FAVICON_URL,
            with_google_fonts=False,
        )
