"""Helpers the test tiers share that are not fixtures: real servers started for a test session."""
