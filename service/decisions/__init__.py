"""Decisions of the CDO office: the approval gate, its waivers and change requests."""
