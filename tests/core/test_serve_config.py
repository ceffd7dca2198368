"""`aftersales serve` sizes itself from the environment and the machine."""
from aftersales.demo.management.commands import serve


def test_web_concurrency_sets_the_workers(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert serve.default_workers() == 3


def test_without_it_one_worker_per_core_and_at_least_two(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 2)
    assert serve.default_workers() == 2
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 1)
    assert serve.default_workers() == 2
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 8)
    assert serve.default_workers() == 8


def test_threads_from_the_environment(monkeypatch):
    monkeypatch.setenv("AFTERSALES_THREADS", "8")
    assert serve.default_threads() == 8
    monkeypatch.setenv("AFTERSALES_THREADS", "zero")
    assert serve.default_threads() == 4
