"""Every public page in English and in Spanish, at 1280 and 320 px: the language is chosen with the
switcher (by keyboard), the visitor stays on the same page, `lang` follows, and each page passes the
axe check, scrolls nothing sideways and breaks no CSP rule. The 404 page is walked too."""

import pytest

from tests.browser.walk import WALKED, _url

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["en", "es"])
def test_public_pages_in_both_languages(browser, live_server, city, check_a11y, language):
    urls = [_url(r, city) for r in WALKED if r.kind in ("public", "front")]
    assert len(urls) >= 10
    for width in (1280, 320):
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        csp_errors = []
        page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
        first = live_server.url + urls[0]
        page.goto(first)
        assert page.get_attribute("html", "lang") == "en"
        if language == "es":
            # The switcher is reached and pressed with the keyboard; the page stays the same.
            switch = page.locator('button[name="language"][value="es"]')
            assert switch.get_attribute("lang") == "es"
            switch.focus()
            with page.expect_navigation():
                page.keyboard.press("Enter")
            assert page.url == first
        for url in urls:
            response = page.goto(live_server.url + url)
            assert response.status < 400, (url, response.status)
            assert page.get_attribute("html", "lang") == language, url
            check_a11y(page, context=f"{language} at {width}px: {url}")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{url} scrolls sideways at {width}px in {language}"
        missing = page.goto(live_server.url + "/p/no-such-city/nothing-here/")
        assert missing.status == 404
        assert page.get_attribute("html", "lang") == language
        assert page.locator("h1").inner_text() == ("Página no encontrada" if language == "es" else "Page not found")
        check_a11y(page, context=f"404 in {language} at {width}px")
        assert csp_errors == [], csp_errors
        context.close()
