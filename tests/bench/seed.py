"""Seeds a data folder with N tokens through the real CLI's schema: the benchmarks' mix of
providers, kinds and expiries (a few expired, some under a day, some soon, most far), with
keyring items for small sizes when TK_BENCH_KEYRING_ITEMS is set."""

import json
import os
import random
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

CLI = os.environ["TK_BENCH_CLI"]
SERVICE = os.environ["TK_BENCH_SERVICE"]
KEYRING_ITEMS = bool(os.environ.get("TK_BENCH_KEYRING_ITEMS"))
KEYRING_ITEMS_MAX = 2000
DAY = 86_400


PROVIDERS = [
    ("github", "personal", "ghp_"),
    ("gitlab", "personal", "glpat-"),
    ("npm", "personal", "npm_"),
    ("slack", "bot", "xoxb-"),
    ("stripe", "api_key", "sk_live_"),
    ("openai", "api_key", "sk-"),
    ("meta", "system_user", "EAA"),
    ("aws", "api_key", "AKIA"),
    ("auth0", "access", None),
    ("entra", "access", None),
    ("google", "refresh", "1//"),
    ("other", "other", None),
]


# The list is soonest expiry first, so the first screen (about 19 rows) shows the expired tokens
# and then the ones that expire within a day, whose countdowns change once a minute, as a user's
# list with short-lived access tokens would.
EXPIRED = 5
TICKING = 20


def seed(home: Path, count: int) -> None:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    env = {**os.environ, "TOKENKEEPER_HOME": str(home), "TOKENKEEPER_KEYRING_SERVICE": SERVICE}
    subprocess.run([CLI, "list", "--json"], env=env, check=True, capture_output=True, timeout=30)
    if count == 0:
        return
    rng = random.Random(count)
    now = int(time.time())
    with_secrets = KEYRING_ITEMS and count <= KEYRING_ITEMS_MAX
    rows = []
    for i in range(count):
        provider, kind, _prefix = PROVIDERS[i % len(PROVIDERS)]
        jwt = provider in ("auth0", "entra")
        r = rng.random()
        if i < EXPIRED:
            expires = now - rng.randint(1, 60) * DAY
        elif i < EXPIRED + max(TICKING, count // 50):
            # Within a day, not within an hour: `in 4h 12m`, changing once a minute.
            expires = now + rng.randint(3600, DAY - 60)
        elif r < 0.10:
            expires = now + rng.randint(1, 13) * DAY  # soon
        elif r < 0.22:
            expires = None  # never
        else:
            expires = now + rng.randint(15, 400) * DAY
        issued = (expires - 30 * DAY) if (jwt and expires) else None
        rows.append(
            (
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                provider,
                f"{provider}-token-{i:05d}",
                kind,
                "jwt" if jwt else "opaque",
                json.dumps(["read", "write"] if i % 3 == 0 else []),
                f"user{i % 97}@example.com" if i % 4 == 0 else None,
                now - rng.randint(1, 300) * DAY,
                issued,
                expires,
                ("jwt" if jwt else "user") if expires else None,
                "",
                json.dumps(["ci"] if i % 5 == 0 else ["prod", "ops"] if i % 7 == 0 else []),
                1,
                0 if with_secrets else 1,
            )
        )
    db = sqlite3.connect(home / "tokenkeeper.db")
    with db:
        db.executemany(
            "INSERT INTO tokens (id, provider, name, kind, format, scopes, account, created_at,"
            " issued_at, expires_at, expiry_source, notes, tags, secret_generation, secret_missing)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
    db.close()
    if with_secrets:
        # One keyring item per row, as the app names them (account `<id>.g1`), so the start-up
        # reconcile reads them all, as it does for a real user.
        for row in rows:
            subprocess.run(
                ["secret-tool", "store", "--label", f"Tokenkeeper: {row[1]}/{row[2]}", "service", SERVICE, "username", f"{row[0]}.g1"],
                input=f"bench-secret-{row[0]}".encode(),
                check=True,
                timeout=10,
            )
    out = subprocess.run([CLI, "list", "--json"], env=env, check=True, capture_output=True, timeout=60)
    listed = len(json.loads(out.stdout))
    if listed != count:
        raise SystemExit(f"seeding failed: the CLI lists {listed} tokens, expected {count}")
