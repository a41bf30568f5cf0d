"""REST handlers for org."""

from fastapi import APIRouter

router = APIRouter(tags=["org"])
