"""Quality bar P3: each page of the resident journey, with everything it loads, comes to at most 60 KB over the wire
on a first visit (compressed, the browser's cache off), asks no other host for anything, and loads no web font."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in_resident

pytestmark = pytest.mark.browser

BUDGET_BYTES = 60 * 1024
COMPRESSED = {"gzip", "br", "zstd", "deflate"}
KINDS = {"Document": "html", "Stylesheet": "css", "Script": "js"}


@dataclass
class Load:
    url: str
    kind: str
    loader: str  # the navigation that asked for it
    encoding: str = ""
    transferred: int = 0  # bytes on the wire, headers included (CDP's encodedDataLength)
    headers: int = 0  # of which the response's headers
    decoded: int = 0  # bytes after decompression
    finished: bool = False


@dataclass
class PageWeight:
    name: str
    loads: list[Load] = field(default_factory=list)

    def bytes(self, kind: str | None = None) -> int:
        return sum(load.transferred for load in self.loads if kind is None or load.kind == kind)

    @property
    def decoded(self) -> int:
        return sum(load.decoded for load in self.loads)


class NetworkMeter:
    """Counts what the page transfers, through the Chrome DevTools Protocol, with the browser's cache off."""

    def __init__(self, page):
        self.page = page
        self.loads: dict[str, Load] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.dataReceived", self._data)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.loadingFailed", self._failed)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})

    def _sent(self, event):
        kind = KINDS.get(event.get("type"), event.get("type"))
        self.loads[event["requestId"]] = Load(event["request"]["url"], kind, event.get("loaderId", ""))

    # Events for a request made before the current measure began (another page's) are not counted.

    def _response(self, event):
        if load := self.loads.get(event["requestId"]):
            headers = {name.lower(): value for name, value in event["response"]["headers"].items()}
            load.encoding = headers.get("content-encoding", "")
            load.headers = int(event["response"].get("encodedDataLength", 0))

    def _data(self, event):
        if load := self.loads.get(event["requestId"]):
            load.decoded += event["dataLength"]

    def _finished(self, event):
        if load := self.loads.get(event["requestId"]):
            load.transferred, load.finished = int(event["encodedDataLength"]), True

    def _failed(self, event):
        if load := self.loads.get(event["requestId"]):
            load.finished = True

    def measure(self, name: str, url: str) -> PageWeight:
        """Open url afresh and wait until every file it asked for has arrived, the icon included (asked for after
        the page's load event). Files an earlier page asked for, arriving late, belong to that page."""
        self.loads.clear()
        response = self.page.goto(url)
        assert response.status == 200, f"{name}: {response.status}"
        (loader,) = {load.loader for load in self.loads.values() if load.kind == "html"}
        mine = []
        for _ in range(75):
            mine = [load for load in self.loads.values() if load.loader == loader]
            if all(load.finished for load in mine) and any(load.url.endswith("/favicon.svg") for load in mine):
                break
            self.page.wait_for_timeout(20)
        unfinished = [load.url for load in mine if not load.finished]
        assert not unfinished, f"{name}: still loading {unfinished}"
        return PageWeight(name, mine)


def test_every_page_of_the_resident_journey_is_small_local_and_uses_no_web_font(page, live_server):
    pot = live_server.add_open_pot()
    email = live_server.add_resident()
    answers = {
        "applicant_type": "informal_group",
        "group_name": "Cowper Street neighbours",
        "idea_name": "Street party",
        "idea_description": "A street party so neighbours meet.",
        "brings_together": "Everyone on our street.",
        "helps_area": "People will know who lives next door.",
        "when_text": "June",
        "contact_name": "Rae Resident",
        "contact_method": "email",
    }
    application_id = live_server.add_draft(email, pot, answers, {"Bunting": 4_500, "Paper plates": 1_250})
    sign_in_resident(page, live_server, email)
    meter = NetworkMeter(page)
    idea = f"/ideas/{application_id}"
    pages = [
        ("home", "/"),
        ("neighbourhood", f"/neighbourhoods/{pot.slug}"),
        ("before you start", f"/neighbourhoods/{pot.slug}/pots/{pot.pot_id}/start"),
        *(
            (question.replace("-", " "), f"{idea}/{question}")
            for question in [
                "who-is-applying",
                "group-name",
                "idea-name",
                "what-you-want-to-do",
                "who-it-brings-together",
                "how-it-helps",
                "what-you-bring",
                "help-from-others",
                "costs",
                "when-and-where",
                "contact",
            ]
        ),
        ("check your answers", f"{idea}/check-your-answers"),
    ]
    weights = [meter.measure(name, url) for name, url in pages]
    page.get_by_label("This is my idea.").check()
    page.get_by_role("button", name="Send your idea").click()
    expect(page.locator(".govuk-panel__title")).to_have_text("Your idea has been sent")
    weights.append(meter.measure("sent", f"{idea}/sent"))
    weights.append(meter.measure("your ideas", "/ideas"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your ideas")

    lines = [
        "",
        "Page weight: first visit, cache off, compressed bytes on the wire (headers included)",
        f"{'page':<24}{'HTML':>8}{'CSS':>8}{'JS':>8}{'other':>8}{'total':>9}{'unpacked':>10}",
    ]
    for weight in weights:
        other = weight.bytes() - weight.bytes("html") - weight.bytes("css") - weight.bytes("js")
        lines.append(
            f"{weight.name:<24}{weight.bytes('html'):>8,}{weight.bytes('css'):>8,}{weight.bytes('js'):>8,}"
            f"{other:>8,}{weight.bytes():>9,}{weight.decoded:>10,}"
        )
    encodings = sorted({f"{load.kind}: {load.encoding or 'none'}" for weight in weights for load in weight.loads})
    lines.append(f"budget {BUDGET_BYTES:,} bytes; content-encoding seen: {', '.join(encodings)}")
    print("\n".join(lines))

    for weight in weights:
        kinds = {load.kind for load in weight.loads}
        assert {"html", "css", "js"} <= kinds, f"{weight.name} loaded {kinds}: the measure missed something"
        assert weight.bytes() <= BUDGET_BYTES, f"{weight.name} transfers {weight.bytes():,} bytes"
        for load in weight.loads:
            assert load.url.startswith(live_server.url + "/"), f"{weight.name} asked another host: {load.url}"
            assert load.kind != "Font", f"{weight.name} loaded a font: {load.url}"
            if load.kind in {"html", "css", "js"}:
                assert load.encoding in COMPRESSED, f"{load.url} was sent uncompressed ({load.encoding!r})"
                assert 0 < load.transferred - load.headers < load.decoded, f"{load.url}: compressed is not smaller"
    assert page.evaluate("() => document.fonts.size") == 0, "no @font-face is declared"
    stylesheet = page.request.get("/static/css/app.css").text()
    assert "@font-face" not in stylesheet and "woff" not in stylesheet
    assert page.watch.other_hosts() == []
