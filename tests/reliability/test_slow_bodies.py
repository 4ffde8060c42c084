"""Slow request bodies hold a thread, not the server: /healthz stays answered and the slow
ones get 408 when their body has not arrived within DESK_BODY_TIMEOUT (desk.bodies)."""

from __future__ import annotations

import socket
import time
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


def _chunked(port: int, path: str = "/requests/status") -> socket.socket:
    """Headers of a chunked upload (no Content-Length), then its first chunk."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode()
        + b"Content-Type: multipart/form-data; boundary=slow\r\nTransfer-Encoding: chunked\r\n\r\n"
        + b"8\r\n--slow\r\n\r\n"
    )
    return sock


def _status_line(sock: socket.socket) -> bytes:
    return sock.recv(200).split(b"\r\n", 1)[0]


@pytest.mark.slow
def test_a_chunked_body_is_bound_by_the_deadline_and_the_size_cap(database_url, tmp_path):
    """Transfer-Encoding: chunked, no Content-Length: a body that stops arriving gets 408 within
    DESK_BODY_TIMEOUT, like one with a length; a chunked body larger than the upload cap gets
    413 as soon as the cap is passed, without waiting for the rest."""
    server = Gunicorn(
        database_url, tmp_path, workers=1, env={"DESK_BODY_TIMEOUT": "3", "DESK_MAX_REQUEST_BYTES": "100000"}
    )
    try:
        with urllib.request.urlopen(server.url + "/healthz", timeout=60) as response:
            assert response.status == 200
        stalled = _chunked(server.port)
        stalled.settimeout(10)
        started = time.monotonic()
        try:
            stalled_answer = _status_line(stalled)
        except TimeoutError:
            stalled_answer = b"(no answer in 10 s)"
        waited = time.monotonic() - started
        stalled.close()

        large = _chunked(server.port)
        large.settimeout(20)
        chunk = b"x" * 10000
        for _ in range(15):  # 150 kB against a cap of 100 kB, and the body never ends
            large.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        started = time.monotonic()
        large_answer = _status_line(large)
        large_waited = time.monotonic() - started
        large.close()
    finally:
        server.stop()
    assert stalled_answer == b"HTTP/1.1 408 Request Timeout" and waited < 8, (stalled_answer, waited)
    # Refused as soon as the cap is passed, not at the deadline (3 s) nor at the body's end (never).
    assert large_answer == b"HTTP/1.1 413 REQUEST ENTITY TOO LARGE" and large_waited < 2, (large_answer, large_waited)
