"""Shared pieces: audit log, mail, access decorators, crypto, filters, transactions."""
