"""Spreadsheet round trip: import and export of the portfolio in CSV and XLSX."""
