"""Optional login for shared deployments.

Users come from the file named by ASSISTANT_USERS_FILE — lines `user:password` (blank lines
and `#` comments ignored) or a JSON object {"user": "password"} / list of {"username",
"password"} — and/or from ASSISTANT_USERS (`alice:pw1,bob:pw2`). A password may be given as
`sha256:<hex>` instead of plain text. No users configured = no login.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Callable

from assistant import config


MESSAGES = {
    "login": "请登录绩效目标表助手",
    "bad_file": "无法读取用户文件 {path}：{reason}",
}


class UsersError(ValueError):
    pass


def _pairs_from_lines(text: str) -> dict[str, str]:
    users: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        name, password = line.split(":", 1)
        if name.strip() and password:
            users[name.strip()] = password.strip()
    return users


def _pairs_from_json(data: object) -> dict[str, str]:
    if isinstance(data, dict):
        return {str(k).strip(): str(v) for k, v in data.items() if str(k).strip() and v}
    if isinstance(data, list):
        return {str(u["username"]).strip(): str(u["password"]) for u in data
                if isinstance(u, dict) and u.get("username") and u.get("password")}
    return {}


def load_users(environ: dict[str, str] | None = None) -> dict[str, str]:
    """username -> password (plain or `sha256:<hex>`). Raises UsersError for an unreadable file."""
    settings = config.settings() if environ is None else config.Settings.from_env(environ)
    users: dict[str, str] = {}
    path = settings.users_file
    if path:
        try:
            text = path.read_text(encoding="utf-8-sig")
            stripped = text.lstrip()
            users.update(_pairs_from_json(json.loads(text)) if stripped[:1] in "{[" else _pairs_from_lines(text))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise UsersError(MESSAGES["bad_file"].format(path=path, reason=exc)) from exc
    inline = settings.users.get_secret_value().strip() if settings.users else ""
    if inline:
        users.update(_pairs_from_lines(inline.replace(",", "\n")))
    return users


def password_ok(stored: str, given: str) -> bool:
    if stored.startswith("sha256:"):
        digest = hashlib.sha256(given.encode("utf-8")).hexdigest()
        return hmac.compare_digest(stored[7:].lower(), digest)
    return hmac.compare_digest(stored.encode("utf-8"), given.encode("utf-8"))


def make_auth(users: dict[str, str]) -> Callable[[str, str], bool] | None:
    """A Gradio auth callable, or None (no login) when there are no users."""
    if not users:
        return None

    def check(username: str, password: str) -> bool:
        stored = users.get((username or "").strip())
        return stored is not None and password_ok(stored, password or "")

    return check
