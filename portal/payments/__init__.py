"""Paying awards: payee details, payments, and (later) payment runs and their exports."""
