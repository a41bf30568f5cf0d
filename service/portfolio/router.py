"""REST handlers for portfolio."""

from fastapi import APIRouter

router = APIRouter(tags=["portfolio"])
