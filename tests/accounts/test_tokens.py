import re

from trendcache.accounts.tokens import looks_like_token, new_token, shown_prefix, token_hash


def test_tokens_are_long_random_and_recognisable() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    for token in tokens:
        assert re.fullmatch(r"tc_[A-Za-z0-9_-]{43}", token)
        assert looks_like_token(token)
        assert shown_prefix(token) == token[:10]


def test_only_a_hash_leaves_the_token() -> None:
    token = new_token()
    digest = token_hash(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest
    assert token_hash(token) == digest


def test_other_strings_are_not_tokens() -> None:
    for value in ("", "tc_", "tc_short", f"xx_{'a' * 43}", f"tc_{'a' * 42}!", f"tc_{'a' * 44}"):
        assert not looks_like_token(value)
