"""REST handlers for kpis."""

from fastapi import APIRouter

router = APIRouter(tags=["kpis"])
