"""Staff accounts: creation, passwords (argon2), sign-in with throttling, sessions that
end, two-step sign-in.

Sign-in is throttled per account without handing anyone a way to lock a colleague out:
attempts from browsers the account has never signed in from are counted before their
password is checked (one short transaction, so concurrent attempts each get their own
number); from the fifth on, each next attempt waits a growing delay (30 s doubling up to
15 minutes). A browser the account has signed in from before carries a trusted-browser
cookie and is not held by that delay; its own wrong attempts are counted separately, and
five of them make it an unknown browser again. So an attacker guessing from elsewhere slows
only themselves down, and the person at their own desk still gets in.
"""

from __future__ import annotations

import threading
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, or_, select, update

from desk.auth import passwords, second_factor
from desk.auth.models import RecoveryCode, StaffUser
from desk.auth.trail import record
from desk.catalogue import ROLES
from desk.clock import now
from desk.extensions import db

#: Attempts from unknown browsers before each next one must wait.
MAX_FAILURES = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH


def delay_after(attempts: int) -> timedelta:
    """How long the next attempt from an unknown browser waits after `attempts` unsuccessful ones."""
    if attempts < MAX_FAILURES:
        return timedelta(0)
    return min(FIRST_DELAY * 2 ** min(attempts - MAX_FAILURES, 20), MAX_DELAY)


_hashers: dict[tuple, PasswordHasher] = {}
_dummy_hashes: dict[tuple, str] = {}


def _params() -> tuple:
    """argon2 costs; tests lower them (PASSWORD_HASH_PARAMS) to stay fast, production keeps
    the library's defaults."""
    from flask import current_app, has_app_context

    if has_app_context() and current_app.config.get("PASSWORD_HASH_PARAMS"):
        return tuple(sorted(current_app.config["PASSWORD_HASH_PARAMS"].items()))
    return ()


_hashers_lock = threading.Lock()


def _hasher() -> PasswordHasher:
    key = _params()
    hasher = _hashers.get(key)
    if hasher is None:
        # Threaded workers (gunicorn gthread) sign people in at once: the dummy hash is made
        # before the hasher is published, under a lock, so no thread sees one without the other.
        with _hashers_lock:
            hasher = _hashers.get(key)
            if hasher is None:
                hasher = PasswordHasher(**dict(key))
                # Verified against when the e-mail is unknown, so both paths take the same time.
                _dummy_hashes[key] = hasher.hash("not-a-real-password-but-takes-as-long")
                _hashers[key] = hasher
    return hasher


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


def check_password_rules(password: str, email: str | None = None) -> None:
    problem = passwords.problem(password or "", email)
    if problem is not None:
        raise StaffError(*problem, "password")


def find_by_email(email: str) -> StaffUser | None:
    return db.session.scalars(select(StaffUser).where(StaffUser.email == email.strip().lower())).first()


def create_user(
    email: str, role: str, password: str, name: str | None = None, actor=None, temporary: bool = True
) -> StaffUser:
    """A new account. Its password is temporary (to be changed at the first sign-in)
    unless `temporary` is False (demo data, tests)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise StaffError(
            f"役割は {', '.join(ROLES)} のいずれかです。", f"The role must be one of {', '.join(ROLES)}.", "role"
        )
    if "@" not in email or len(email) > 254:
        raise StaffError("メールアドレスの形式が正しくありません。", "That is not a valid e-mail address.", "email")
    if find_by_email(email):
        raise StaffError(
            "このメールアドレスは既に登録されています。", "A staff account with this e-mail already exists.", "email"
        )
    check_password_rules(password, email)
    user = StaffUser(
        email=email,
        role=role,
        name=name or email.split("@")[0],
        password_hash=hash_password(password),
        must_change_password=temporary,
        password_changed_at=now(),
    )
    db.session.add(user)
    db.session.flush()
    record("staff.created", actor=actor, detail={"staff_id": user.id, "role": role})
    return user


def _verify(hashed: str | None, password: str | None) -> bool:
    """argon2 verification; the same work when there is no hash to check against."""
    try:
        return _hasher().verify(hashed or _dummy_hash(), password or "") and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def _take_attempt(user_id: int, trusted: bool) -> int | None:
    """Count one sign-in attempt before its password is checked, and commit at once, so
    that concurrent attempts each get their own number: the attempt's number, or None when
    the account is resting (an unknown browser within the delay; a trusted one only after
    its own five). The row update waits for any other attempt's (a row lock on PostgreSQL,
    the write lock on SQLite), and the delay is set in the same transaction as the count."""
    moment = now()
    if trusted:
        taken = db.session.execute(
            update(StaffUser)
            .where(StaffUser.id == user_id, StaffUser.device_failures < MAX_FAILURES)
            .values(device_failures=StaffUser.device_failures + 1)
            .returning(StaffUser.device_failures),
            execution_options={"synchronize_session": False},
        ).scalar()
        db.session.commit()
        if taken is not None:
            return taken
    taken = db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user_id, or_(StaffUser.locked_until.is_(None), StaffUser.locked_until <= moment))
        .values(failed_logins=StaffUser.failed_logins + 1)
        .returning(StaffUser.failed_logins),
        execution_options={"synchronize_session": False},
    ).scalar()
    if taken is not None and taken >= MAX_FAILURES:
        db.session.execute(
            update(StaffUser).where(StaffUser.id == user_id).values(locked_until=moment + delay_after(taken)),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
    return taken


def _signed_in(user: StaffUser) -> None:
    db.session.execute(
        update(StaffUser)
        .where(StaffUser.id == user.id)
        .values(failed_logins=0, locked_until=None, device_failures=0, last_login_at=now()),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(user)
    record("staff.login", actor=user)


def authenticate(email: str, password: str, trusted_ids=()) -> StaffUser | None:
    """The user if the password is right and the account usable; else None. Commits the
    count of the attempt before the password is checked.

    `trusted_ids`: the accounts this browser has signed in to before (trusted-browser
    cookie). When the user has two-step sign-in on, the password alone signs nobody in:
    the caller asks for a code (check_second_factor) and the count stays until it passes."""
    user = find_by_email(email or "")
    if user is None:
        _verify(None, password)
        record("staff.login_failed", detail={"known": False})
        return None
    user_id = user.id
    attempt = _take_attempt(user_id, trusted=user_id in set(trusted_ids))
    if attempt is None:
        _verify(None, password)
        record("staff.login_refused_locked", detail={"staff_id": user_id})
        return None
    user = db.session.get(StaffUser, user_id)
    if not _verify(user.password_hash, password) or not user.active:
        record("staff.login_failed", detail={"staff_id": user.id, "attempt": attempt})
        return None
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    if not user.has_totp:
        _signed_in(user)
    return user


def check_second_factor(user: StaffUser, typed: str, trusted: bool = False) -> str | None:
    """After the right password: a TOTP code or an unused recovery code. Returns "totp" or
    "recovery" and signs the user in, or None (the attempt counted like a wrong password,
    from a trusted browser or not)."""
    user_id = user.id
    if _take_attempt(user_id, trusted=trusted) is None:
        record("staff.login_refused_locked", detail={"staff_id": user_id, "step": "code"})
        return None
    user = db.session.get(StaffUser, user_id)
    secret = second_factor.unseal(user.totp_secret) if user.totp_secret else None
    used = None
    if secret is not None and second_factor.looks_like_recovery(typed):
        code_hash = second_factor.recovery_hash(user.id, typed)
        spent = db.session.execute(
            update(RecoveryCode)
            .where(
                RecoveryCode.staff_id == user.id, RecoveryCode.code_hash == code_hash, RecoveryCode.used_at.is_(None)
            )
            .values(used_at=now())
            .returning(RecoveryCode.id),
            execution_options={"synchronize_session": False},
        ).scalar()
        used = "recovery" if spent is not None else None
    elif secret is not None:
        step = second_factor.matching_step(secret, typed, user.totp_last_step, now())
        # Only one request may spend a step: the update names the step it saw as the last.
        if (
            step is not None
            and db.session.execute(
                update(StaffUser)
                .where(
                    StaffUser.id == user.id, or_(StaffUser.totp_last_step.is_(None), StaffUser.totp_last_step < step)
                )
                .values(totp_last_step=step)
                .returning(StaffUser.id),
                execution_options={"synchronize_session": False},
            ).scalar()
            is not None
        ):
            used = "totp"
    if used is None or not user.active:
        record("staff.login_failed", detail={"staff_id": user.id, "step": "code"})
        return None
    if used == "recovery":
        left = db.session.scalar(
            select(func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None))
        )
        record("staff.recovery_code_used", actor=user, detail={"staff_id": user.id, "left": left})
    _signed_in(user)
    return used


def recovery_codes_left(user: StaffUser) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.staff_id == user.id, RecoveryCode.used_at.is_(None))
    )


def end_sessions(user: StaffUser) -> None:
    """Every session of this user is over from the next request on (sign-out everywhere)."""
    db.session.execute(
        update(StaffUser).where(StaffUser.id == user.id).values(session_generation=StaffUser.session_generation + 1),
        execution_options={"synchronize_session": False},
    )
    db.session.expire(user)


def _new_password(user: StaffUser, password: str, *, temporary: bool) -> None:
    check_password_rules(password, user.email)
    if _verify(user.password_hash, password):
        raise StaffError(
            "今のパスワードとは別のものにしてください。", "Choose a password other than the current one.", "password"
        )
    user.password_hash = hash_password(password)
    user.must_change_password = temporary
    user.password_changed_at = now()
    user.failed_logins, user.locked_until, user.device_failures = 0, None, 0
    db.session.flush()
    end_sessions(user)


def set_password(user: StaffUser, password: str, actor=None) -> None:
    _new_password(user, password, temporary=False)
    record("staff.password_set", actor=actor, detail={"staff_id": user.id})


def change_own_password(user: StaffUser, current: str, new: str) -> None:
    """The signed-in person changes their password: the current one first. Every other
    session of theirs ends; the caller starts the current one afresh."""
    if not _verify(user.password_hash, current):
        record("staff.password_change_refused", actor=user, detail={"staff_id": user.id})
        raise StaffError("今のパスワードが正しくありません。", "The current password is not right.", "current")
    _new_password(user, new, temporary=False)
    record("staff.password_changed", actor=user, detail={"staff_id": user.id})


# --------------------------------------------------------------------------- two-step sign-in


def enable_totp(user: StaffUser, secret: str, typed: str) -> list[str]:
    """Turn two-step sign-in on with `secret` once a code from it is typed; returns the
    recovery codes, shown once."""
    step = second_factor.matching_step(secret, typed, None, now())
    if step is None:
        raise StaffError(
            "確認コードが正しくありません。アプリに表示されている6桁の数字を入力してください。",
            "That code is not right. Enter the six digits the app shows now.",
            "code",
        )
    user.totp_secret = second_factor.seal(secret)
    user.totp_last_step = step
    codes = _replace_recovery_codes(user)
    record("staff.totp_enabled", actor=user, detail={"staff_id": user.id})
    return codes


def _replace_recovery_codes(user: StaffUser) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))
    codes = second_factor.new_recovery_codes()
    db.session.add_all(RecoveryCode(staff_id=user.id, code_hash=second_factor.recovery_hash(user.id, c)) for c in codes)
    db.session.flush()
    return codes


def new_recovery_codes(user: StaffUser, password: str) -> list[str]:
    if not _verify(user.password_hash, password):
        raise StaffError("パスワードが正しくありません。", "The password is not right.", "password")
    codes = _replace_recovery_codes(user)
    record("staff.recovery_codes_renewed", actor=user, detail={"staff_id": user.id})
    return codes


def disable_totp(user: StaffUser, password: str, actor=None) -> None:
    """Turn two-step sign-in off: by the person (with their password) or, for a lost phone
    and lost codes, by an administrator (`actor`, no password)."""
    if actor is None and not _verify(user.password_hash, password):
        raise StaffError("パスワードが正しくありません。", "The password is not right.", "password")
    user.totp_secret, user.totp_last_step = None, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.staff_id == user.id))
    record("staff.totp_disabled", actor=actor or user, detail={"staff_id": user.id})


def active_admin_count() -> int:
    return db.session.scalar(
        select(func.count()).select_from(StaffUser).where(StaffUser.role == "admin", StaffUser.active.is_(True))
    )


# --------------------------------------------------------------------------- administration


def _lock_active_admins() -> list[StaffUser]:
    """The active administrators, locked: two admins demoting each other at the same moment
    cannot both pass the last-admin check (PostgreSQL; SQLite has one writer anyway)."""
    return list(
        db.session.scalars(
            select(StaffUser)
            .where(StaffUser.role == "admin", StaffUser.active.is_(True))
            .order_by(StaffUser.id)
            .with_for_update()
        )
    )


def _guard_last_admin(user: StaffUser) -> None:
    if user.role == "admin" and user.active and len(_lock_active_admins()) <= 1:
        raise StaffError(
            "最後の有効な管理者は、無効にしたり役割を変更したりできません。先に別の管理者を登録してください。",
            "The last active administrator cannot be deactivated or given another role. "
            "Add another administrator first.",
        )


def change_role(user: StaffUser, role: str, actor=None) -> bool:
    """Give a staff member another role; False when nothing changed."""
    if role not in ROLES:
        raise StaffError(
            f"役割は {', '.join(ROLES)} のいずれかです。", f"The role must be one of {', '.join(ROLES)}.", "role"
        )
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
        user.failed_logins, user.locked_until, user.device_failures = 0, None, 0
    else:
        end_sessions(user)
    record(
        "staff.reactivated" if active else "staff.deactivated",
        actor=actor,
        detail={"staff_id": user.id, "role": user.role},
    )
    return True


def reset_password(user: StaffUser, temporary_password: str, actor=None) -> None:
    """An administrator sets a temporary password (told to the person out of band), to be
    changed at the next sign-in; it ends the person's sessions and lifts any delay."""
    check_password_rules(temporary_password, user.email)
    user.password_hash = hash_password(temporary_password)
    user.must_change_password = True
    user.password_changed_at = now()
    user.failed_logins, user.locked_until, user.device_failures = 0, None, 0
    db.session.flush()
    end_sessions(user)
    record("staff.password_reset", actor=actor, detail={"staff_id": user.id})


def staff_list() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.role, StaffUser.id)))
