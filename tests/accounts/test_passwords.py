import pytest

from trendcache.accounts.passwords import (
    WeakPassword,
    check_strength,
    hash_password,
    verify_password,
)


def test_a_password_verifies_against_its_salted_hash() -> None:
    stored = hash_password("correct horse battery staple")
    assert stored.startswith("scrypt$16384$8$5$")
    assert "correct horse" not in stored
    assert stored != hash_password("correct horse battery staple")  # salted
    assert verify_password("correct horse battery staple", stored)
    assert not verify_password("correct horse battery stapler", stored)
    assert not verify_password("", stored)


def test_no_stored_hash_or_a_broken_one_never_verifies() -> None:
    assert not verify_password("anything at all", None)
    assert not verify_password("anything at all", "plain-text")
    assert not verify_password("anything at all", "bcrypt$1$2$3$4$5")
    assert not verify_password("x" * 5000, hash_password("long enough"))


@pytest.mark.parametrize("password", ["", "short", "x" * 1025])
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_strength(password)
    with pytest.raises(WeakPassword):
        hash_password(password)
