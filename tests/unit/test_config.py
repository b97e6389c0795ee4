"""Production refuses to start without real secrets and the shared services it needs (security review)."""

import secrets

import pytest
from cryptography.fernet import Fernet

from portal.config import DEV_ENCRYPTION_KEY, DEV_SECRET_KEY, ProductionConfig, config_from_environment, estimated_bits


@pytest.fixture
def production(monkeypatch):
    """Everything production needs, set properly; each test then breaks one thing."""
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    monkeypatch.setenv("AUDIT_HMAC_KEY", secrets.token_urlsafe(32))
    monkeypatch.setenv("LOOKUP_HMAC_KEY", secrets.token_urlsafe(32))
    monkeypatch.delenv("MAIL_BACKEND", raising=False)
    monkeypatch.delenv("TEXT_BACKEND", raising=False)
    monkeypatch.setenv("ENCRYPTION_KEY", f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://portal@db/portal")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("SERVER_BASE_URL", "https://sparks.example.gov.uk")
    monkeypatch.delenv("TRUSTED_HOSTS", raising=False)
    monkeypatch.setattr(ProductionConfig, "TRUSTED_HOSTS", ProductionConfig.TRUSTED_HOSTS)  # check() sets it
    return monkeypatch


def test_production_starts_with_real_secrets(production):
    assert config_from_environment() is ProductionConfig


@pytest.mark.parametrize(
    "name",
    [
        "SECRET_KEY",
        "AUDIT_HMAC_KEY",
        "LOOKUP_HMAC_KEY",
        "ENCRYPTION_KEY",
        "DATABASE_URL",
        "REDIS_URL",
        "SERVER_BASE_URL",
    ],
)
def test_production_refuses_to_start_without_each_setting(production, name):
    production.delenv(name)
    with pytest.raises(RuntimeError, match=name):
        config_from_environment()


@pytest.mark.parametrize(
    "weak",
    [DEV_SECRET_KEY, "x" * 48, "password" * 4, "correct horse battery staple", "0123456789abcdef"],
)
def test_production_refuses_a_weak_secret_key(production, weak):
    production.setenv("SECRET_KEY", weak)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be a random value"):
        ProductionConfig.check()


@pytest.mark.parametrize("key", ["password", "a-real-key-from-the-vault", DEV_ENCRYPTION_KEY, "", " , "])
def test_production_refuses_an_encryption_key_that_is_not_a_fernet_key(production, key):
    production.setenv("ENCRYPTION_KEY", key)
    with pytest.raises(RuntimeError, match="ENCRYPTION_KEY") as refused:
        ProductionConfig.check()
    assert "Fernet.generate_key" in str(refused.value), "the message says how to make a key"


def test_secret_strength_is_estimated_from_the_secret_itself():
    assert estimated_bits("x" * 64) == 0
    assert estimated_bits(secrets.token_hex(32)) > 200
    assert estimated_bits(secrets.token_urlsafe(32)) > 120


def test_development_needs_nothing_set(monkeypatch):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    assert config_from_environment().ENV_NAME == "development"


@pytest.mark.parametrize("base_url", ["sparks.example.gov.uk", "ftp://sparks.example.gov.uk", "https://"])
def test_production_refuses_a_base_url_that_is_not_an_address(production, base_url):
    production.setenv("SERVER_BASE_URL", base_url)
    with pytest.raises(RuntimeError, match="SERVER_BASE_URL"):
        ProductionConfig.check()


def test_production_answers_only_its_own_host_names(production):
    production.setenv("SERVER_BASE_URL", "https://Sparks.Example.gov.uk:8443/")
    production.setenv("TRUSTED_HOSTS", " www.sparks.example.gov.uk, ,10.0.0.5")
    ProductionConfig.check()
    assert ProductionConfig.TRUSTED_HOSTS == ["sparks.example.gov.uk", "www.sparks.example.gov.uk", "10.0.0.5"]


NOTIFY_SETTINGS = (
    "NOTIFY_API_KEY",
    "NOTIFY_TEXT_TEMPLATE_ID",
    "NOTIFY_EMAIL_TEMPLATE_ID",
    "NOTIFY_EMAIL_FILE_TEMPLATE_ID",
)


@pytest.mark.parametrize(
    ("backends", "needed"),
    [
        ({"TEXT_BACKEND": "notify"}, ("NOTIFY_API_KEY", "NOTIFY_TEXT_TEMPLATE_ID")),
        ({"MAIL_BACKEND": "notify"}, ("NOTIFY_API_KEY", "NOTIFY_EMAIL_TEMPLATE_ID", "NOTIFY_EMAIL_FILE_TEMPLATE_ID")),
    ],
)
def test_production_sending_through_notify_needs_its_key_and_templates(production, backends, needed):
    for name in NOTIFY_SETTINGS:
        production.delenv(name, raising=False)
    for name, value in backends.items():
        production.setenv(name, value)
    for name in needed:
        with pytest.raises(RuntimeError, match=name):
            config_from_environment()
        production.setenv(name, "set")
    assert config_from_environment() is ProductionConfig


def test_production_refuses_a_backend_it_does_not_know(production):
    production.setenv("TEXT_BACKEND", "pigeon")
    with pytest.raises(RuntimeError, match="TEXT_BACKEND"):
        config_from_environment()
