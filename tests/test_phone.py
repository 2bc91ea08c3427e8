"""The site on a phone (390 px wide, touch) and on a desktop (1280 px): nothing scrolls
sideways, every table's caption is whole with its first column pinned, the players fit
the column, a touch screen is told about taps and a keyboard about keys, and no page is
taller than a reader will scroll at 1280 px."""
from __future__ import annotations

import pytest

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 800}
TALLEST = 10_000     # px at 1280 px wide


def pages(manifest) -> list[str]:
    return ["index.html", "about.html"] + [f"{p['slug']}.html" for p in manifest["pages"]]


@pytest.fixture(scope="module")
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  reduced_motion="reduce")
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_no_page_scrolls_sideways_on_a_phone_and_tables_keep_their_caption(phone, built_site,
                                                                            manifest):
    problems = []
    for name in pages(manifest):
        phone.goto((built_site / name).as_uri())
        found = phone.evaluate("""() => {
          const out = [];
          const doc = document.documentElement;
          if (doc.scrollWidth > window.innerWidth) out.push('page is ' + doc.scrollWidth + ' px wide');
          for (const wrap of document.querySelectorAll('.table-wrap')) {
            const w = wrap.getBoundingClientRect();
            const cap = wrap.querySelector('caption');
            if (cap) {
              const c = cap.getBoundingClientRect();
              if (c.left < w.left - 1 || c.right > w.right + 1)
                out.push('caption "' + cap.textContent.slice(0, 30) + '" is cut');
            }
            if (wrap.scrollWidth > wrap.clientWidth) {      // it scrolls: the first column stays
              const cell = wrap.querySelector('tbody tr > :first-child');
              const before = cell.getBoundingClientRect().left;
              wrap.scrollLeft = wrap.scrollWidth;
              const after = cell.getBoundingClientRect().left;
              wrap.scrollLeft = 0;
              if (Math.abs(after - before) > 1) out.push('first column scrolls away');
            }
          }
          const main = document.querySelector('main').getBoundingClientRect();
          for (const bar of document.querySelectorAll('.player, .player-controls')) {
            const r = bar.getBoundingClientRect();
            if (r.right > window.innerWidth - 1) out.push(bar.className + ' ends at ' + r.right);
          }
          return out;
        }""")
        problems += [f"{name}: {p}" for p in found]
    assert problems == []


def test_a_touch_screen_is_told_about_taps_and_a_desktop_about_keys(phone, open_context,
                                                                     built_site):
    phone.goto((built_site / "descent-1d.html").as_uri())
    hint = phone.locator(".player-keys").first
    assert "Tap the picture" in hint.inner_text() and "space" not in hint.inner_text()
    desk = open_context(viewport=WIDE).new_page()
    desk.goto((built_site / "descent-1d.html").as_uri())
    hint = desk.locator(".player-keys").first
    assert "space play/pause" in hint.inner_text() and "Tap" not in hint.inner_text()


def test_full_screen_on_a_phone_without_element_full_screen_uses_the_video_own(open_context,
                                                                               built_site):
    """iPhone Safari cannot put a page element full screen, only a video: the button is
    still there, and opens the phone's own player (sideways, the frame's text is twice
    the size it is in the column)."""
    context = open_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.add_init_script("""
        delete Element.prototype.requestFullscreen;
        HTMLVideoElement.prototype.webkitEnterFullscreen = function () {
            window.enteredFullscreen = this.currentSrc || this.getAttribute("poster"); };""")
    page = context.new_page()
    page.goto((built_site / "descent-1d.html").as_uri())
    full = page.locator(".player").first.get_by_role("button", name="Full screen")
    assert full.is_visible()
    full.tap()
    page.wait_for_function("() => window.enteredFullscreen")
    assert "descent-1d" in page.evaluate("window.enteredFullscreen")


def test_no_page_is_taller_than_ten_thousand_pixels_at_1280(open_context, built_site, manifest):
    page = open_context(viewport=WIDE).new_page()
    heights = {}
    for name in pages(manifest):
        page.goto((built_site / name).as_uri())
        heights[name] = page.evaluate("document.documentElement.scrollHeight")
    assert {n: h for n, h in heights.items() if h > TALLEST} == {}
