"""Slow request bodies hold a thread, not the server: /healthz stays answered and the slow
ones get 408 when their body has not arrived within DESK_BODY_TIMEOUT (desk.bodies)."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.reliability.server import Gunicorn


def _slow_upload(port: int) -> socket.socket:
    """Headers announcing a 200 kB upload, then a few bytes of it, and nothing more."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        b"POST /requests/status HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: multipart/form-data; boundary=slow\r\nContent-Length: 200000\r\n\r\n--slow\r\n"
    )
    return sock


@pytest.mark.slow
def test_healthz_answers_while_six_slow_bodies_are_in_flight(database_url, tmp_path):
    server = Gunicorn(database_url, tmp_path, workers=3, env={"DESK_BODY_TIMEOUT": "4"})
    slow = []
    try:
        for _ in range(3):  # every worker booted and answering before the slow clients come
            with urllib.request.urlopen(server.url + "/healthz", timeout=60) as response:
                assert response.status == 200
        slow = [_slow_upload(server.port) for _ in range(6)]
        with urllib.request.urlopen(server.url + "/healthz", timeout=3) as response:
            assert response.status == 200
        answers = [sock.recv(200).split(b"\r\n", 1)[0] for sock in slow]
    finally:
        for sock in slow:
            sock.close()
        server.stop()
    assert answers == [b"HTTP/1.1 408 Request Timeout"] * 6, answers


def test_a_body_that_arrives_in_time_reaches_the_application(client):
    """The wrapper hands the whole body on: a form posted in one go is read as before."""
    response = client.post("/requests/status", data={"reference": "2026-000001", "code": "X"})
    assert response.status_code != 408
