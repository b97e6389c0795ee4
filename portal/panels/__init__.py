"""Neighbourhood panels: interests, views, decisions and awards."""
