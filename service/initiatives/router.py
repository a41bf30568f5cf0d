"""REST handlers for initiatives."""

from fastapi import APIRouter

router = APIRouter(tags=["initiatives"])
