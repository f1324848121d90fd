"""Online identifiers: social-media profiles and handles, IP addresses (checked with Python's
`ipaddress`) and MAC addresses."""

import ipaddress
import re

from core.privacy.kinds import IP_ADDRESS, MAC_ADDRESS, PROFILE, Finding
from core.privacy.normalise import words_in

# --- Profiles and handles --------------------------------------------------------------------

SOCIAL_HOSTS = (
    r"facebook\.com|fb\.com|instagram\.com|twitter\.com|x\.com|linkedin\.com/in|tiktok\.com|"
    r"youtube\.com/(?:@|c/|user/|channel/)|threads\.net|reddit\.com/u(?:ser)?|pinterest\.com|"
    r"snapchat\.com/add|t\.me|wa\.me|vk\.com|mastodon\.social|bsky\.app/profile|github\.com"
)
# The company's own pages on those sites are not a person's profile.
NOT_A_PERSON = {"help", "about", "legal", "policies", "privacy", "terms", "company", "business",
                "login", "share", "sharer", "search", "hashtag", "watch", "explore", "settings"}  # fmt: skip
PROFILE_URL = re.compile(
    rf"(?i)(?:https?://)?(?:www\.|m\.|mobile\.|[a-z]{{2}}\.)?(?:{SOCIAL_HOSTS})/(?P<name>@?[\w.\-]{{2,60}})"
)
HANDLE_CUE = re.compile(
    r"(?i)\b(?:twitter|tweet(?:ed)?|x\.com|on x|instagram|insta|ig|tiktok|telegram|snapchat|"
    r"threads|mastodon|bluesky|youtube|handle|username|user name|user id|gamertag|dm'?d|"
    r"tagged|follow(?:ed|s)?)\b"
)
HANDLE = re.compile(r"(?<![\w@.])@(?P<name>[A-Za-z0-9_][\w.]{1,29})\b")
# "username is jane_doe84": a login name written out after a cue word.
NAMED_LOGIN = re.compile(
    r"(?i)\b(?:username|user name|handle|gamertag|login name)\s*(?:is|was|:|=)\s*"
    r"[\"'“‘]?(?P<name>@?[A-Za-z][\w.\-]{2,29})"
)
NOT_A_LOGIN = {"unknown", "missing", "wrong", "correct", "incorrect", "not", "blank", "empty",
               "taken", "required", "invalid", "locked", "changed", "the", "their", "her", "his"}  # fmt: skip


LOGIN_WORDS = {"username", "user", "handle", "gamertag", "login"}


def find_profiles(text: str) -> list[Finding]:
    found = []
    lowered = text.lower()
    if "/" in text:
        for match in PROFILE_URL.finditer(text):
            if match["name"].lstrip("@").lower() not in NOT_A_PERSON:
                found.append(Finding(PROFILE, *match.span()))
    if "@" in text:
        for match in HANDLE.finditer(text):
            if HANDLE_CUE.search(lowered, max(0, match.start() - 40), match.start()):
                found.append(Finding(PROFILE, *match.span()))
    for match in NAMED_LOGIN.finditer(text) if words_in(text) & LOGIN_WORDS else ():
        if match["name"].lstrip("@").lower() not in NOT_A_LOGIN:
            found.append(Finding(PROFILE, *match.span("name")))
    return found


# --- IP and MAC addresses --------------------------------------------------------------------

# A "/" after the address makes it a network ("203.0.113.0/24"), which names no one.
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w/]|\.\d)")
IPV6 = re.compile(
    r"(?<![\w:.])(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){7})[0-9A-Fa-f:]{3,39}(?![\w:/])"
)
VERSION_CUE = re.compile(
    r"(?i)\b(?:v|ver|version|build|release|firmware|fw|app|update[ds]?|upgraded?|patch|"
    r"ios|android|os|driver|sdk|api)\s*:?\s*$"
)
IP_CUE = re.compile(r"(?i)\b(?:ip|ipv4|ipv6|address|addr|from|host|logged|login|signed|vpn)\b")
# An address inside a home or office network names no one; the documentation ranges stand in
# for public addresses, so they count.
PRIVATE_NETWORKS = [
    ipaddress.ip_network(network)
    for network in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                    "127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8", "224.0.0.0/3",
                    "::1/128", "::/128", "fc00::/7", "fe80::/10", "ff00::/8"]
]  # fmt: skip


def _is_public(address) -> bool:
    return not any(
        address.version == network.version and address in network for network in PRIVATE_NETWORKS
    )


def find_ip_addresses(text: str) -> list[Finding]:
    found = []
    if "." in text:
        for match in IPV4.finditer(text):
            try:
                address = ipaddress.IPv4Address(match.group())
            except ValueError:
                continue
            before = text[max(0, match.start() - 30) : match.start()]
            if not _is_public(address) or VERSION_CUE.search(before):
                continue
            # "1.2.3.4" is far likelier a version than an address unless a cue says otherwise.
            if all(len(part) == 1 for part in match.group().split(".")) and not IP_CUE.search(
                before
            ):
                continue
            found.append(Finding(IP_ADDRESS, *match.span()))
    if "::" in text or text.count(":") >= 7:
        for match in IPV6.finditer(text):
            try:
                address = ipaddress.IPv6Address(match.group())
            except ValueError:
                continue
            if _is_public(address) and not match.group().replace(":", "").isdigit():
                found.append(Finding(IP_ADDRESS, *match.span()))
    return found


MAC = re.compile(
    r"(?<![\w:.-])(?:[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}"
    r"|[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4})(?![\w:.-])"
)


def find_mac_addresses(text: str) -> list[Finding]:
    found = []
    for match in MAC.finditer(text):
        hex_digits = re.sub(r"[^0-9A-Fa-f]", "", match.group())
        # All digits and no letters reads as a date or a code more often than a device.
        if hex_digits.isdigit() and match.group(1) != ":":
            continue
        found.append(Finding(MAC_ADDRESS, *match.span()))
    return found
