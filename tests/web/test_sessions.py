import time

from trendcache.web.sessions import MAX_AGE_SECONDS, BrowserSession, SessionSigner

KEY = b"k" * 32


def test_a_session_survives_the_round_trip() -> None:
    signer = SessionSigner(KEY)
    session = BrowserSession.new("c0ffee", "stamp")
    assert signer.loads(signer.dumps(session)) == session
    anonymous = BrowserSession.new()
    assert signer.loads(signer.dumps(anonymous)) == anonymous
    assert anonymous.csrf != session.csrf


def test_tampered_foreign_or_garbage_cookies_are_refused() -> None:
    signer = SessionSigner(KEY)
    value = signer.dumps(BrowserSession.new("c0ffee", "stamp"))
    payload, signature = value.split(".")
    forged_payload = signer.dumps(BrowserSession.new("someone-else", "stamp")).split(".")[0]
    for bad in (
        f"{forged_payload}.{signature}",
        f"{payload}.{signature[:-2]}",
        f"{payload}.",
        payload,
        "",
        "...",
        "a.b",
        "%%%.%%%",
        SessionSigner(b"another key, same length, ok!!!!").dumps(BrowserSession.new("c0ffee")),
    ):
        assert signer.loads(bad) is None, bad


def test_sessions_expire() -> None:
    signer = SessionSigner(KEY)
    value = signer.dumps(BrowserSession.new("c0ffee", "stamp"))
    assert signer.loads(value, now=time.time() + MAX_AGE_SECONDS - 60) is not None
    assert signer.loads(value, now=time.time() + MAX_AGE_SECONDS + 60) is None
