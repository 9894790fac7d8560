"""Where releases are available.

The global list is the set of ISO codes Spotify sends for a worldwide release, in the
order it sends them; regional releases use a home market plus at most two neighbours.
"""

from __future__ import annotations

# fmt: off
GLOBAL_MARKETS: tuple[str, ...] = (
    "AR", "AU", "AT", "BE", "BO", "BR", "BG", "CA", "CL", "CO", "CR", "CY", "CZ", "DK", "DO",
    "DE", "EC", "EE", "SV", "FI", "FR", "GR", "GT", "HN", "HK", "HU", "IS", "IE", "IT", "LV",
    "LT", "LU", "MY", "MT", "MX", "NL", "NZ", "NI", "NO", "PA", "PY", "PE", "PH", "PL", "PT",
    "SG", "SK", "ES", "SE", "CH", "TW", "TR", "UY", "US", "GB", "AD", "LI", "MC", "ID", "JP",
    "TH", "VN", "RO", "IL", "ZA", "SA", "AE", "BH", "QA", "OM", "KW", "EG", "MA", "DZ", "TN",
    "LB", "JO", "PS", "IN", "BY", "KZ", "MD", "UA", "AL", "BA", "HR", "ME", "MK", "RS", "SI",
    "KR", "BD", "PK", "LK", "GH", "KE", "NG", "TZ", "UG", "AG", "AM", "BS", "BB", "BZ", "BT",
    "BW", "BF", "CV", "CW", "DM", "FJ", "GM", "GE", "GD", "GW", "GY", "HT", "JM", "KI", "LS",
    "LR", "MW", "MV", "ML", "MH", "FM", "NA", "NR", "NE", "PW", "PG", "PR", "WS", "SM", "ST",
    "SN", "SC", "SL", "SB", "KN", "LC", "VC", "SR", "TL", "TO", "TT", "TV", "VU", "AZ", "BN",
    "BI", "KH", "CM", "TD", "KM", "GQ", "SZ", "GA", "GN", "KG", "LA", "MO", "MR", "MN", "NP",
    "RW", "TG", "UZ", "ZW", "BJ", "MG", "MU", "MZ", "AO", "CI", "DJ", "ZM", "CD", "CG", "IQ",
    "LY", "TJ", "VE", "ET", "XK",
)
# fmt: on

# The markets the catalog is built around: every artist's home is one of these.
HOME_MARKETS: tuple[str, ...] = ("US", "GB", "DE", "SE", "FR", "JP", "BR", "MX", "CA", "AU")

# A regional release is available in its artist's home market and these neighbours.
REGIONS: dict[str, tuple[str, ...]] = {
    "US": ("US", "CA"),
    "GB": ("GB", "IE"),
    "DE": ("DE", "AT", "CH"),
    "SE": ("SE", "NO", "FI"),
    "FR": ("FR", "BE", "CH"),
    "JP": ("JP",),
    "BR": ("BR", "PT"),
    "MX": ("MX", "US"),
    "CA": ("CA",),
    "AU": ("AU", "NZ"),
}

# How likely a home-grown release stays in its region instead of going worldwide.
REGIONAL_SHARE: dict[str, float] = {
    "US": 0.03,
    "GB": 0.05,
    "DE": 0.2,
    "SE": 0.15,
    "FR": 0.2,
    "JP": 0.4,
    "BR": 0.25,
    "MX": 0.2,
    "CA": 0.05,
    "AU": 0.08,
}


def is_market_code(value: str) -> bool:
    return len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()
