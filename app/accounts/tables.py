"""Users and their server-side sessions."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Serial, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class User(Table, tablename="app_user"):
    id = Serial(primary_key=True)
    username = Varchar(length=150, unique=True, index=True)
    display_name = Varchar(length=200)
    role = Varchar(length=16, default="viewer")
    password_hash = Text()
    is_active = Boolean(default=True)
    # JSON list of company ids the user is limited to (with their descendants); NULL: every company.
    company_scope = Text(null=True, default=None)
    # The language the user chose for the page (en, de or fr); NULL until they choose: the browser's then.
    language = Varchar(length=8, null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class UserSession(Table):
    """A signed-in browser; only the SHA-256 of the cookie value is stored."""

    id = Serial(primary_key=True)
    token_hash = Varchar(length=64, unique=True, index=True)
    csrf_token = Varchar(length=64, default="")
    user = ForeignKey(User, index=True, on_delete=OnDelete.cascade)
    created_at = Timestamptz(default=TimestamptzNow())
    last_seen_at = Timestamptz(default=TimestamptzNow())
    ip = Varchar(length=64, null=True, default=None)
    user_agent = Varchar(length=300, null=True, default=None)
