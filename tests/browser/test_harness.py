"""The checks this tier relies on can fail: axe reports a real problem, and the page watch sees a blocked script."""

from __future__ import annotations

import pytest

from tests.browser.conftest import PageWatch, assert_accessible

pytestmark = pytest.mark.browser


def test_the_accessibility_check_fails_on_an_inaccessible_page(page):
    page.goto("/sign-in")
    page.evaluate("() => { document.querySelector('label[for=email]').remove(); document.documentElement.lang = ''; }")

    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page, "a sign-in page broken on purpose")

    message = str(failure.value)
    assert "html-has-lang" in message
    assert "label" in message and "#email" in message


def test_the_page_watch_sees_a_script_the_content_security_policy_blocks(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        watch = PageWatch(live_server)
        watch.attach(page)
        page.goto("/")
        assert "js-enabled" in page.locator("body").get_attribute("class"), "the page's own nonce'd script runs"
        page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.sneaked = 1';"
            " document.body.append(s); }"
        )
        page.wait_for_timeout(100)
        assert page.evaluate("() => window.sneaked") is None
        assert any("Content Security Policy" in text for text in watch.console_errors), watch.console_errors
    finally:
        context.close()


def test_the_accessibility_check_runs_without_javascript_and_still_finds_problems(new_page):
    page = new_page(java_script_enabled=False)
    page.goto("/sign-in")
    assert "js-enabled" not in (page.locator("body").get_attribute("class") or ""), "the page's scripts did not run"
    assert_accessible(page, "the sign-in page without JavaScript")

    page.evaluate("() => { document.querySelector('label[for=email]').remove(); }")
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page, "a sign-in page without JavaScript, broken on purpose")

    assert "label" in str(failure.value) and "#email" in str(failure.value)


def test_the_accessibility_check_finds_content_outside_every_landmark(page):
    page.goto("/sign-in")
    assert_accessible(page, "the sign-in page, every part in a landmark")
    page.evaluate(
        "() => { const p = document.createElement('p'); p.textContent = 'Loose words';"
        " document.querySelector('header').before(p); }"
    )
    with pytest.raises(pytest.fail.Exception) as failure:
        assert_accessible(page, "a sign-in page with words outside any landmark")

    assert "region" in str(failure.value) and "Loose words" in str(failure.value)
