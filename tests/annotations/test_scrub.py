"""Every user reference of a Label Studio export is rewritten to a pseudonym before a file is written."""

from __future__ import annotations

import json

import pytest

from korea_deterrence.annotations.scrub import Scrubber, Unmapped, User

USERS = [User(2, "annotator1@example.org", "annotator1"), User(3, "annotator2@example.org", "annotator2"),
         User(1, "admin@example.org", "admin")]
NAMES = {1: "pm-x", 2: "ann-x", 3: "ann-y"}


def task(**extra: object) -> dict[str, object]:
    """A task in the shape of the full JSON export (annotations, drafts, comment authors, user objects)."""
    return {"id": 7, "data": {"text": "Write to desk@example.org.", "article_id": "a"},
            "annotations": [{"id": 1, "completed_by": 2, "updated_by": 1, "last_created_by": None, "result": []}],
            "drafts": [{"id": 5, "user": "annotator2@example.org", "created_username": "annotator2@example.org, 3"}],
            "predictions": [{"id": 9, "model_version": "kdc-alias-matcher-0.1.0"}],
            "updated_by": [{"user_id": 1}], "comment_authors": [{"id": 3, "email": "annotator2@example.org",
                                                                  "first_name": "Ann", "last_name": "Two"}],
            **extra}


def test_every_reference_becomes_the_pseudonym() -> None:
    [clean] = Scrubber(USERS, NAMES).tasks([task()])
    assert clean["annotations"][0] | {"result": []} == {"id": 1, "completed_by": "ann-x", "updated_by": "pm-x",
                                                        "last_created_by": None, "result": []}
    assert clean["drafts"][0] == {"id": 5, "user": "ann-y", "created_username": "ann-y"}
    assert clean["comment_authors"] == ["ann-y"] and clean["updated_by"] == [{"user_id": "pm-x"}]
    assert clean["data"] == task()["data"]  # the article as imported is not touched
    outside = json.dumps({k: v for k, v in clean.items() if k != "data"})
    assert "@" not in outside and "annotator" not in outside and "Two" not in outside


def test_users_without_a_pseudonym_and_leftover_addresses_refuse_the_export() -> None:
    with pytest.raises(Unmapped) as err:
        Scrubber(USERS, {2: "ann-x"}).tasks([task()])
    assert err.value.users == {1: "/0/annotations/0/updated_by", 3: "/0/drafts/0/user"}
    with pytest.raises(Unmapped) as err:
        Scrubber(USERS, NAMES).tasks([task(meta={"note": "ask someone@example.com"})])
    assert err.value.emails == ["/0/meta/note"] and not err.value.users
