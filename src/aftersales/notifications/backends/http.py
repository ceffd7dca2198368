"""The one HTTP call the providers make: JSON out, JSON back, failures as SendFailed.

Standard library only (urllib), with a short timeout: a provider that hangs must not hold
a worker; the outbox retries."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from . import SendFailed

TIMEOUT_SECONDS = 10


def request_json(url: str, *, method: str = "GET", body: bytes | None = None,
                 headers: dict | None = None) -> dict:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as resp:  # noqa: S310
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            raise SendFailed(f"HTTP {exc.code}", code=f"http_{exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendFailed(f"provider unreachable: {exc}", code="unreachable") from exc
    try:
        return json.loads(raw or b"{}")
    except ValueError as exc:
        raise SendFailed("provider answered something that is not JSON",
                         code="bad_response") from exc


def secret(value: str, file_path: str) -> str:
    """A credential from the environment (value) or from a file (e.g. a mounted secret)."""
    if file_path:
        with open(file_path, encoding="utf-8") as fh:
            return fh.read().strip()
    return value


def template_params(names: list[str], params: dict) -> list[str]:
    """The template's parameters in its own order; a missing one is a configuration error
    that a retry cannot fix."""
    missing = [n for n in names if n not in params]
    if missing:
        raise SendFailed(f"the message has no value for template parameter(s) "
                         f"{', '.join(missing)}", code="template_params", permanent=True)
    return [str(params[n]) for n in names]
