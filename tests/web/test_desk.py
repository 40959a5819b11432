"""The operator page: the caller on a chosen desk phone, their last calls, open callbacks, notes."""
from __future__ import annotations

from appliance import events as ev
from appliance.store.callnotes import CallNotes
from tests.web.client import Client
from tests.web.conftest import NOW, record

ANN = "+441632960001"


def ring(web, caller=ANN, key="1", waited=25.0) -> str:
    """A caller rings on line1 and presses ``key``: ann's handset 1 rings. Returns the call id."""
    engine = web[1].engine
    engine.handle(ev.LineRinging("line1", caller), NOW - waited - 5)
    engine.handle(ev.DigitPressed("line1", key), NOW - waited)
    return engine.snapshot(NOW)["lines"][0]["call_id"]


def in_book(web, number="01632 960001", name="Ann Example", company="Example Ltd"):
    web[0].config["ivr.context"].phonebook.add({"number": number, "name": name,
                                                "company": company, "notes": "Prefers mornings"})


def past_calls(writer):
    """Seven earlier calls from Ann (in both number forms), one from someone else, and two
    callback requests: one served by an answered dial-back, one still open."""
    writer.write_many(
        [record(f"old{n}", f"2026-11-{10 + n:02d}T10:00:00.000Z",
                caller=ANN if n % 2 else "01632960001") for n in range(7)]
        + [record("other", "2026-11-22T10:00:00.000Z", caller="+441632960099"),
           record("asked1", "2026-11-20T09:00:00.000Z", outcome="callback_requested",
                  callback_number=ANN, operator=None),
           record("back1", "2026-11-20T09:30:00.000Z", direction="callback", parent_id="asked1",
                  outcome="callback_answered"),
           record("asked2", "2026-11-21T09:00:00.000Z", outcome="callback_requested",
                  callback_number=ANN, operator=None)])


def test_choosing_a_desk_phone_is_remembered(owner):
    page = owner.get("/operator").text
    assert "Choose the desk phone you answer" in page
    assert '<option value="1" >1 · Ann</option>' in page and "2 · Bob" in page
    page = owner.get("/operator?handset=2").text
    assert 'data-src="/operator/live?handset=2"' in page and owner.jar["ivr_handset"] == "2"
    assert 'data-src="/operator/live?handset=2"' in owner.get("/operator").text
    assert "Choose the desk phone" in owner.get("/operator?handset=9").text     # not fitted


def test_a_ringing_call_from_a_phone_book_number_shows_who_it_is(owner, web):
    in_book(web)
    ring(web)
    page = owner.get("/operator?handset=1").text
    for text in ('id="caller-name">Ann Example<', 'id="caller-company">Example Ltd<',
                 'id="caller-number">+441632960001<', "Ringing", "<dd>sales</dd>", "<dd>0:25</dd>",
                 "Prefers mornings"):
        assert text in page, text
    assert "No call on desk phone" in owner.get("/operator?handset=2").text


def test_an_unknown_caller_can_be_added_to_the_phone_book(owner, web):
    ring(web, caller="+441632960077")
    page = owner.get("/operator?handset=1").text
    assert 'id="caller-name">+441632960077<' in page
    assert 'href="/phonebook?add=%2B441632960077"' in page
    assert 'value="+441632960077"' in owner.get("/phonebook?add=%2B441632960077").text


def test_a_withheld_caller_is_said_so(owner, web):
    ring(web, caller=None)
    page = owner.get("/operator?handset=1").text
    assert 'id="caller-name">Withheld number<' in page and "Last calls" not in page


def test_the_last_five_calls_and_the_open_callbacks_of_the_number(owner, web):
    in_book(web)
    past_calls(web[4])
    ring(web)
    page = owner.get("/operator?handset=1").text
    recent = page[page.index('id="recent"'):page.index("Callbacks owed")]
    shown = [i for i in ("asked2", "back1", "asked1", "old6", "old5", "old4", "other")
             if f"/calls/{i}\"" in recent]
    assert shown == ["asked2", "back1", "asked1", "old6", "old5"]           # the dial-back too
    owed = page[page.index('id="open-callbacks"'):]
    assert "/calls/asked2" in owed and "/calls/asked1" not in owed


def test_once_answered_the_wait_comes_from_the_calls_record(owner, web):
    in_book(web)
    call_id = ring(web)
    web[1].engine.handle(ev.HandsetOffHook(1), NOW - 5)
    web[4].write(record(call_id, "2026-11-23T08:59:30.000Z", wait_s=31.0, ended_at=None,
                        outcome=None, queue="sales"))
    page = owner.get("/operator?handset=1").text
    assert "On the line" in page and "<dd>0:31</dd>" in page and "Ann Example" in page


def test_notes_are_saved_with_the_call_and_shown_in_its_record(owner, web, tmp_path):
    call_id = ring(web)
    page = owner.get("/operator?handset=1").text
    assert f'action="/calls/{call_id}/notes"' in page
    reply = owner.post(f"/calls/{call_id}/notes", {"notes": "Wants 40 chairs", "then": "operator"})
    assert reply.status == 303 and reply.header("Location").endswith("/operator")
    assert ">Wants 40 chairs</textarea>" in owner.get("/operator").text
    assert CallNotes(tmp_path, readonly=True).get(call_id) == "Wants 40 chairs"
    web[4].write(record(call_id, "2026-11-23T08:59:30.000Z"))
    detail = owner.get(f"/calls/{call_id}").text
    assert ">Wants 40 chairs</textarea>" in detail
    reply = owner.post(f"/calls/{call_id}/notes", {"notes": "Quote sent"})
    assert reply.header("Location").endswith(f"/calls/{call_id}")
    assert owner.post("/calls/nosuchcall/notes", {"notes": "x"}).status == 404


def test_after_the_call_the_notes_box_is_for_the_operators_last_call(owner, web):
    past_calls(web[4])
    page = owner.get("/operator?handset=1").text
    assert "No call on desk phone 1" in page and 'data-call="other"' in page
    assert "Your last call: +441632960099" in page


def test_the_live_fragment_refreshes_and_needs_the_login(owner, web):
    in_book(web)
    owner.get("/operator?handset=1")
    assert "No call on desk phone 1" in owner.get("/operator/live?handset=1").text
    ring(web)
    fragment = owner.get("/operator/live?handset=1")
    assert fragment.status == 200 and "<html" not in fragment.text
    assert "Ann Example" in fragment.text and 'id="notes-box"' in fragment.text
    assert fragment.header("Cache-Control") == "no-store"
    assert Client(web[0]).get("/operator/live?handset=1").status == 401
    assert Client(web[0]).get("/operator?handset=1").status == 303


def test_without_javascript_the_page_refreshes_only_while_no_call_is_on(owner, web):
    assert 'http-equiv="refresh"' in owner.get("/operator?handset=1").text
    ring(web)
    page = owner.get("/operator?handset=1").text
    assert 'http-equiv="refresh"' not in page and '<script src="/static/desk.js" defer>' in page


def test_a_damaged_notes_file_is_said_and_its_last_good_copy_used(owner, web, tmp_path):
    call_id = ring(web)
    CallNotes(tmp_path).save(call_id, "kept", "2026-11-23T09:00:00.000Z")
    (tmp_path / "notes.json").write_text("{broken")
    page = owner.get("/operator?handset=1").text
    assert "notes.json is damaged" in page and ">kept</textarea>" in page
    assert "notes.json is damaged" in owner.get("/phonebook").text


def test_open_callbacks_look_back_as_far_as_the_daemon_dials():
    from appliance import daemon
    from appliance.web import desk
    assert desk.CALLBACKS_KEPT_S == daemon.CALLBACKS_KEPT_S
