"""What the API takes as an id: a positive integer a database key can hold (64 bits).

A bigger number names nothing; unbounded, it reached the database and broke there (SQLite raises
OverflowError: a 500). Every id in a path, a query or a body is typed `Id`, so it is refused with
422 like any other invalid parameter."""

from typing import Annotated

from pydantic import Field

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
