"""How Flask-Login finds the signed-in user: by session token, so sign-out ends every session."""

from __future__ import annotations

import sqlalchemy as sa

from core.auth import login_manager
from core.database import db
from people.models import User


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.session_token == session_token))
    if user is None or not user.is_active:
        return None
    return user
