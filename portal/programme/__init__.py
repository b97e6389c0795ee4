"""Neighbourhoods, pots, reports and open data."""
