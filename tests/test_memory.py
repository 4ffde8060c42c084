"""The cyclic collector paused for bulk work on lists (desk.memory.collector_paused)."""

import gc
import threading

import pytest

from desk.memory import collector_paused


@pytest.fixture
def collector_on():
    was_on = gc.isenabled()
    gc.enable()
    yield
    if not was_on:
        gc.disable()


def test_paused_for_a_block_and_on_again_after_it_even_when_it_fails(collector_on):
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("a malformed list")
    assert gc.isenabled()


def test_nested_pauses_turn_it_on_only_at_the_outermost(collector_on):
    @collector_paused()
    def screening():
        with collector_paused():
            pass
        return gc.isenabled()

    with collector_paused():
        assert screening() is False
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_stays_off(collector_on):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_pauses_of_two_threads_turn_it_on_when_the_last_ends(collector_on):
    """Two staff screenings at once in one web worker: the first to end leaves the collector
    off while the other still screens."""
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def first():
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            seen["while the second screens"] = gc.isenabled()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == {"while the second screens": False}
    assert gc.isenabled()
