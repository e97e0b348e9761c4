"""GET /: the staff web page (static files, nothing from the network)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import FileResponse

from api.paths import STATIC

router = APIRouter(include_in_schema=False)


@router.get("/")
async def index():
    return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})
