"""How Flask-Login finds the signed-in user: by session token, so sign-out ends every session."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from core.auth import login_manager
from core.database import db
from people.models import User


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The signed-in user, with the roles and district every page's menu asks about, in one
    query (they were lazy-loaded: two more queries a page)."""
    user = (
        db.session.scalars(
            sa.select(User)
            .where(User.session_token == session_token)
            .options(joinedload(User.role_grants), joinedload(User.district))
        )
        .unique()
        .one_or_none()
    )
    if user is None or not user.is_active:
        return None
    return user
