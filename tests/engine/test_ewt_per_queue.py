"""The wait estimate per queue: who counts as ahead of a caller, and how it compares with the
estimate of Asterisk's app_queue on the same simulated callers (bench/ewt_bench.py)."""
import importlib.util
import math
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from appliance import commands as cmd
from appliance import events as ev
from appliance.engine import escalation, ewt, waiting
from tests.engine.rig import T0, Rig

LINES = [{"id": f"line{i}", "driver": "sim"} for i in range(1, 5)]
NO_WRAPUP = {"sales": {"wrapup_s": 0}, "support": {"wrapup_s": 0}}


def staffed(*queues_per_operator) -> dict:
    """Settings with one operator per entry, serving those queues (ann, bob, sam, dan)."""
    names = ["ann", "bob", "sam", "dan"]
    return dict(operators=[{"id": names[i], "handset": i + 1, "queues": list(q)}
                           for i, q in enumerate(queues_per_operator)],
                handsets={"count": len(queues_per_operator)}, lines=LINES, queues=NO_WRAPUP)


def requests(rig: Rig, queue: str, count: int, before: float = 3600) -> None:
    """``count`` callback requests of ``queue`` who asked long before anyone now on a line."""
    for i in range(count):
        rig.engine.restore_callback({"id": f"{queue}{i}", "number": f"+1555{i:06d}",
                                     "queue": queue, "queued_at": T0 - before + i})


def estimate_of(rig: Rig, line: str) -> float:
    return waiting.estimate(rig.engine, rig.engine.on_line[line])


def join(rig: Rig, line: str, key: str, caller: str = "+1") -> list:
    rig.call_in(caller, line)
    return rig.press(key, line)


# ---- who counts ---------------------------------------------------------------------------------

def test_a_free_operator_of_the_callers_own_queue_means_no_wait_whatever_waits_elsewhere():
    # bob serves both queues and is busy; support has a long line (30 requests) that only bob
    # can take. ann, free, serves sales only: a sales caller goes straight to her.
    rig = Rig(**staffed(["sales"], ["sales", "support"]))
    rig.send(ev.HandsetOffHook(2))
    requests(rig, "support", 30)
    out = join(rig, "line1", "1")
    assert ("prompt", "queue_wait") not in rig.items(out)
    assert rig.of(cmd.RingHandset, out) == [cmd.RingHandset(1, "+1")]
    assert rig.record()["announced_wait_s"] is None
    caller = SimpleNamespace(id="x", kind="caller", queue="sales", rank=(rig.now, 10**9))
    rig.send(ev.HandsetOffHook(1))                  # ann answers; now a new caller must wait
    assert ewt.Board(rig.engine, escalation.pool).wait(caller) > 0
    rig.send(ev.HandsetOnHook(1))
    assert ewt.Board(rig.engine, escalation.pool).wait(caller) == 0.0


def test_callers_of_a_queue_whose_operators_do_not_overlap_are_not_counted():
    rig = Rig(**staffed(["sales"], ["support"]))
    for handset in (1, 2):
        rig.send(ev.HandsetOffHook(handset))        # both busy
    join(rig, "line1", "1")
    alone = estimate_of(rig, "line1")
    join(rig, "line2", "2", "+2")
    requests(rig, "support", 20)                    # all of them before the sales caller
    assert estimate_of(rig, "line1") == pytest.approx(alone)
    assert alone == pytest.approx(90, abs=1)        # ann off hook: half a default call


def test_a_caller_of_an_overlapping_queue_counts_as_the_chance_they_take_our_operator():
    # sales: ann and bob; support: ann and sam; all three off hook, each free in 90 s on
    # average (exponential). +2 (sales) is behind +1 (support). Whichever of the three is free
    # first decides: ann, +1 takes her; bob, +2 is served; sam, +1 leaves by him. So +1 counts
    # 1/3 (operators in common over the operators of either queue): 45 + 1/3 x 180 / 2 = 75.
    # (A full play-forward of this case gives 65; counting +1 as half, 90.)
    rig = Rig(**staffed(["sales", "support"], ["sales"], ["support"]))
    for handset in (1, 2, 3):
        rig.send(ev.HandsetOffHook(handset))
    join(rig, "line1", "2", "+1")
    join(rig, "line2", "1", "+2")
    assert estimate_of(rig, "line1") == pytest.approx(45, abs=1)
    assert estimate_of(rig, "line2") == pytest.approx(75, abs=1)


def test_a_long_line_that_shares_one_operator_takes_no_more_than_that_operators_turns():
    # sales: ann, bob, sam; support: sam only. However many wait for support, a sales caller
    # loses at most sam's share of the turns: while sales needs 1 turn, support gets at most
    # 1/3 / (1 - 1/3) = 0.5 of one.
    rig = Rig(**staffed(["sales"], ["sales"], ["sales", "support"]))
    for handset in (1, 2, 3):
        rig.send(ev.HandsetOffHook(handset))
    join(rig, "line1", "1")
    alone = estimate_of(rig, "line1")
    requests(rig, "support", 1)
    one = estimate_of(rig, "line1")
    requests(rig, "support", 40, before=7200)
    many = estimate_of(rig, "line1")
    turn = 180 / 3                                  # mean handle / operators staffed
    assert alone == pytest.approx(30, abs=1)        # first of three, each 90 s on average
    assert one == pytest.approx(alone + turn / 3, abs=0.5)
    assert many == pytest.approx(alone + turn / 2, abs=0.5)


def test_requests_ahead_of_a_caller_count_only_while_a_line_is_free_for_them():
    # A request that cannot get a line lets the callers on the lines pass (engine/serving.py).
    rig = Rig(**{**staffed(["sales"]), "lines": LINES[:2]})
    rig.send(ev.HandsetOffHook(1))
    join(rig, "line1", "1")
    alone = estimate_of(rig, "line1")
    requests(rig, "sales", 5)
    assert estimate_of(rig, "line1") == pytest.approx(alone + 180, abs=1)   # line2 is free
    join(rig, "line2", "1", "+2")                                           # and now it is not
    assert estimate_of(rig, "line1") == pytest.approx(alone, abs=1)


def test_a_request_that_waits_for_its_retry_counts_only_if_its_retry_comes_first():
    rig = Rig(**staffed(["sales"]))
    rig.send(ev.HandsetOffHook(1))
    join(rig, "line1", "1")
    alone = estimate_of(rig, "line1")
    requests(rig, "sales", 1)
    req = rig.engine.requests["sales0"]
    req.eligible_at = rig.now + 10 * alone          # its retry comes long after our turn
    rig.engine.timers[("retry", req.id)] = req.eligible_at
    assert estimate_of(rig, "line1") == pytest.approx(alone)
    req.eligible_at = rig.now + 1
    rig.engine.timers[("retry", req.id)] = req.eligible_at
    assert estimate_of(rig, "line1") == pytest.approx(alone + 180, abs=1)


def test_an_estimate_reads_no_waiting_line():
    rig = Rig(**staffed(["sales"], ["sales", "support"]))
    for handset in (1, 2):
        rig.send(ev.HandsetOffHook(handset))
    requests(rig, "sales", 100)
    requests(rig, "support", 100)
    join(rig, "line1", "1")

    def walked(*_):
        raise AssertionError("the estimate walked a waiting line")

    rig.engine.book.members = rig.engine.book.by_rank = walked
    assert estimate_of(rig, "line1") > 0


def test_the_ring_operators_let_go_is_part_of_the_wait():
    rig = Rig(**staffed(["sales"], ["sales"]))
    join(rig, "line1", "1")
    rig.advance(6)
    rig.send(ev.HandsetOffHook(1))                  # ann answers after 6 s
    caller = SimpleNamespace(id="x", kind="caller", queue="sales", rank=(rig.now, 10**9))
    assert ewt.Board(rig.engine, escalation.pool).wait(caller) == pytest.approx(6)  # bob free


# ---- the arithmetic ------------------------------------------------------------------------------

def _fine(fixed, talking, steps=4000) -> float:
    """The expected first completion on a fine uniform grid (the reference)."""
    end = min([min(fixed, default=math.inf)] + [r.horizon() + w for r, w in talking])
    step, total, before = end / steps, 0.0, 1.0
    for k in range(1, steps + 1):
        now = math.prod(r.survival(k * step - w) if k * step > w else 1.0 for r, w in talking)
        total += (before + now) / 2 * step
        before = now
    return total


def test_the_quick_integral_of_the_first_completion_matches_a_fine_one():
    rng = random.Random(4)
    for _ in range(30):
        times = ewt.HandleTimes()
        for _ in range(rng.choice([20, 100])):
            times.add("q", rng.expovariate(1 / 180))
        talking = [(times.remaining("q", rng.uniform(0, 300), 180), rng.choice([0.0, 10.0]))
                   for _ in range(rng.choice([2, 3, 5, 10]))]
        talking.append((ewt.Remaining(None, rng.uniform(20, 120)), 10.0))
        fixed = [rng.uniform(5, 60)] if rng.random() < 0.3 else []
        assert ewt.first_free(fixed, talking) == pytest.approx(_fine(fixed, talking), rel=0.05, abs=1)


def test_one_busy_operator_is_exact():
    rest = ewt.HandleTimes()
    for s in (100, 200, 300, 400, 500, 600):
        rest.add("q", s)
    left = rest.remaining("q", 150, 180)            # 50, 150, 250, 350, 450 to go
    assert ewt.first_free([], [(left, 10.0)]) == pytest.approx(10 + 250)
    assert ewt.first_free([200.0], [(left, 10.0)]) == pytest.approx(10 + (50 + 150 + 190 * 3) / 5)


# ---- against Asterisk ----------------------------------------------------------------------------

def _bench():
    path = Path(__file__).resolve().parents[2] / "bench" / "ewt_bench.py"
    spec = importlib.util.spec_from_file_location("ewt_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_per_queue_error_is_no_worse_than_asterisks_on_a_multi_queue_day():
    bench = _bench()
    rows = []
    for seed in (1, 2):
        rows += bench.scored(bench.run_day(bench.day_doc("multi_queue", seed), seed))
    report = bench.report(rows)["per_queue"]
    assert set(report) == {"sales", "support"}
    for queue, figures in report.items():
        ours, theirs = figures["appliance"], figures["asterisk"]
        assert figures["callers"] > 100 or queue == "support" and figures["callers"] > 50
        assert ours["median_abs_error_s"] <= theirs["median_abs_error_s"], queue
        assert ours["p90_abs_error_s"] <= theirs["p90_abs_error_s"], queue
