"""The throwaway Redis server the scale-out tests run against."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

import pytest
import redis

from tests.integration import redis_support


def test_the_fixture_serves_a_private_redis(redis_url):
    with redis.Redis.from_url(redis_url) as client:
        assert client.ping()
        client.set("sms-hub:probe", "présent")
        assert client.get("sms-hub:probe").decode() == "présent"


def test_the_server_stops_with_its_context():
    with redis_support.redis_server() as url:
        port = urlsplit(url).port
        with redis.Redis.from_url(url) as client:
            assert client.ping()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), 1):
        pass


def test_a_missing_redis_server_fails_loudly(monkeypatch):
    monkeypatch.setattr(redis_support.shutil, "which", lambda name: None)
    monkeypatch.setattr(redis_support.Path, "exists", lambda self: False)
    with pytest.raises(RuntimeError, match="redis-server is missing"):
        redis_support._redis_server_binary()
