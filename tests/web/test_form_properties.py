"""The owner's forms under generated input: whatever is typed, the page saves it or explains it
beside the field; never a 500, and a refused form changes nothing stored."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appliance.store import schema
from tests.web.test_office import edited, fields

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(values=st.dictionaries(
    st.sampled_from(["queues.sales.ring_timeout_s", "queues.sales.wrapup_s",
                     "queues.sales.strategy", "queues.sales.overflow",
                     "queues.sales.escalate_to", "queues.sales.service_level_s",
                     "queues.support.max_wait_s", "callbacks.max_attempts",
                     "reports.service_level_s", "queues.sales.name"]),
    st.one_of(st.text(max_size=20), st.sampled_from(["nan", "inf", "-0", "1e999", "9" * 400,
                                                     "queue:nowhere", "\x00", "5"])),
    max_size=4))
def test_the_queues_form_saves_or_explains_and_never_fails(owner, web, values):
    store = web[2]
    before = store.path.read_bytes()
    page = owner.get("/queues").text
    reply = owner.post("/queues", edited(fields(page), **values))
    assert reply.status in (200, 303, 400), (reply.status, values)
    if reply.status != 303:
        assert store.path.read_bytes() == before
        assert 'class="error"' in reply.text or "error" in reply.text.lower()
    else:
        assert schema.validate(store.load()) == store.load()
