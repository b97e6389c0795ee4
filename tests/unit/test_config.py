"""Production refuses to start without real secrets."""

import pytest

from portal.config import DEV_SECRET_KEY, ProductionConfig, config_from_environment


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        config_from_environment()


def test_production_refuses_the_development_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        ProductionConfig.check()


def test_production_starts_with_real_secrets(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("ENCRYPTION_KEY", "a-real-key-from-the-vault")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://portal@db/portal")
    assert config_from_environment() is ProductionConfig


def test_development_needs_nothing_set(monkeypatch):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    assert config_from_environment().ENV_NAME == "development"
