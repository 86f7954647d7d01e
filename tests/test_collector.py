"""discovery_app.collector: the garbage collector rests during bulk work and always comes back."""

import gc

import pytest

from discovery_app import collector


def test_paused_rests_the_collector_and_restores_it_even_after_an_error():
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused():
        raise ValueError("a bad row")
    assert gc.isenabled()


def test_paused_inside_start_up_leaves_the_collector_to_resume():
    collector.pause()
    try:
        with collector.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # still start-up: resume() switches it back on
    finally:
        collector.resume()
    assert gc.isenabled()
