"""Staff accounts: creation, passwords (argon2), sign-in with lockout."""
from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select

from desk.auth.trail import record
from desk.auth.models import StaffUser
from desk.catalogue import ROLES
from desk.clock import now
from desk.extensions import db

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 10

_hashers: dict[tuple, PasswordHasher] = {}
_dummy_hashes: dict[tuple, str] = {}


def _params() -> tuple:
    """argon2 costs; tests lower them (PASSWORD_HASH_PARAMS) to stay fast, production keeps
    the library's defaults."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("PASSWORD_HASH_PARAMS"):
        return tuple(sorted(current_app.config["PASSWORD_HASH_PARAMS"].items()))
    return ()


def _hasher() -> PasswordHasher:
    key = _params()
    if key not in _hashers:
        _hashers[key] = PasswordHasher(**dict(key))
        # Verified against when the e-mail is unknown, so both paths take the same time.
        _dummy_hashes[key] = _hashers[key].hash("not-a-real-password-but-takes-as-long")
    return _hashers[key]


def _dummy_hash() -> str:
    _hasher()
    return _dummy_hashes[_params()]


class StaffError(ValueError):
    def __init__(self, ja: str, en: str, field: str | None = None):
        self.ja, self.en, self.field = ja, en, field
        super().__init__(en)

    def message(self, lang: str) -> str:
        return self.en if lang == "en" else self.ja


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise StaffError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。",
                         f"The password must have at least {MIN_PASSWORD_LENGTH} characters.", "password")


def find_by_email(email: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()


def create_user(email: str, role: str, password: str, name: str | None = None, actor=None) -> StaffUser:
    email = email.strip().lower()
    if role not in ROLES:
        raise StaffError(f"役割は {', '.join(ROLES)} のいずれかです。", f"The role must be one of {', '.join(ROLES)}.", "role")
    if "@" not in email or len(email) > 254:
        raise StaffError("メールアドレスの形式が正しくありません。", "That is not a valid e-mail address.", "email")
    if find_by_email(email):
        raise StaffError("このメールアドレスは既に登録されています。", "A staff account with this e-mail already exists.", "email")
    check_password_rules(password)
    user = StaffUser(email=email, role=role, name=name or email.split("@")[0], password_hash=hash_password(password))
    db.session.add(user)
    db.session.flush()
    record("staff.created", actor=actor, detail={"staff_id": user.id, "role": role})
    return user


def authenticate(email: str, password: str) -> StaffUser | None:
    """The user if the password is right and the account usable; else None, counting the
    failure. Five failures in a row lock the account for 15 minutes."""
    user = find_by_email(email or "")
    if user is None:
        try:
            _hasher().verify(_dummy_hash(), password or "")
        except VerificationError:
            pass
        record("staff.login_failed", detail={"known": False})
        return None
    moment = now()
    if user.locked_until is not None and user.locked_until > moment:
        try:
            _hasher().verify(_dummy_hash(), password or "")
        except VerificationError:
            pass
        record("staff.login_refused_locked", detail={"staff_id": user.id})
        return None
    try:
        _hasher().verify(user.password_hash, password or "")
        verified = True
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified or not user.active:
        user.failed_logins = (user.failed_logins or 0) + 1
        detail = {"staff_id": user.id, "failures": user.failed_logins}
        if user.failed_logins >= MAX_FAILURES:
            user.locked_until = moment + LOCKOUT
            user.failed_logins = 0
            detail["locked"] = True
        record("staff.login_failed", detail=detail)
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = moment
    record("staff.login", actor=user)
    return user


def set_password(user: StaffUser, password: str, actor=None) -> None:
    check_password_rules(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    record("staff.password_set", actor=actor, detail={"staff_id": user.id})


def active_admin_count() -> int:
    return db.session.scalar(select(func.count()).select_from(StaffUser)
                             .where(StaffUser.role == "admin", StaffUser.active.is_(True)))


# --------------------------------------------------------------------------- administration

def _lock_active_admins() -> list[StaffUser]:
    """The active administrators, locked: two admins demoting each other at the same moment
    cannot both pass the last-admin check (PostgreSQL; SQLite has one writer anyway)."""
    return list(db.session.scalars(select(StaffUser).where(StaffUser.role == "admin", StaffUser.active.is_(True))
                                   .order_by(StaffUser.id).with_for_update()))


def _guard_last_admin(user: StaffUser) -> None:
    if user.role == "admin" and user.active and len(_lock_active_admins()) <= 1:
        raise StaffError("最後の有効な管理者は、無効にしたり役割を変更したりできません。先に別の管理者を登録してください。",
                         "The last active administrator cannot be deactivated or given another role. "
                         "Add another administrator first.")


def change_role(user: StaffUser, role: str, actor=None) -> bool:
    """Give a staff member another role; False when nothing changed."""
    if role not in ROLES:
        raise StaffError(f"役割は {', '.join(ROLES)} のいずれかです。", f"The role must be one of {', '.join(ROLES)}.", "role")
    if role == user.role:
        return False
    if role != "admin":
        _guard_last_admin(user)
    previous, user.role = user.role, role
    record("staff.role_changed", actor=actor, detail={"staff_id": user.id, "from_role": previous, "to_role": role})
    return True


def set_active(user: StaffUser, active: bool, actor=None) -> bool:
    """Deactivate (cannot sign in; the trail still names them) or reactivate an account."""
    if bool(user.active) == bool(active):
        return False
    if not active:
        _guard_last_admin(user)
    user.active = bool(active)
    if active:
        user.failed_logins, user.locked_until = 0, None
    record("staff.reactivated" if active else "staff.deactivated", actor=actor,
           detail={"staff_id": user.id, "role": user.role})
    return True


def reset_password(user: StaffUser, temporary_password: str, actor=None) -> None:
    """An administrator sets a temporary password (told to the person out of band); it also
    lifts a lockout."""
    check_password_rules(temporary_password)
    user.password_hash = hash_password(temporary_password)
    user.failed_logins = 0
    user.locked_until = None
    record("staff.password_reset", actor=actor, detail={"staff_id": user.id})


def staff_list() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.role, StaffUser.id)))
