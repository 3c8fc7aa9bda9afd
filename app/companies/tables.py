"""Companies form a tree; a unified child uses its parent's Amazon account."""

from piccolo.columns import Boolean, ForeignKey, OnDelete, Serial, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table


class Company(Table):
    id = Serial(primary_key=True)
    code = Varchar(length=32, unique=True, index=True)
    name = Varchar(length=200)
    parent: ForeignKey["Company"] = ForeignKey("self", null=True, index=True, on_delete=OnDelete.restrict)
    unified = Boolean(default=False)
    # The language of the company's e-mails (en, de or fr), e.g. the account holder's authorization link.
    language = Varchar(length=2, default="en")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
