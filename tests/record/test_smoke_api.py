"""The API answers the basics: me, lists with pagination, JSON errors."""

from recordtools import NATIONAL, A, username


def test_me(api):
    r = api.as_(username("mesues", A)).get("/me")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["role"] == "teacher"
    assert body["school"]["id"] == A
    assert body["person"]["display_name"] == "Drita Hoxha"


def test_pagination(api):
    r = api.as_(NATIONAL).get("/people", params={"limit": 3, "offset": 2})
    body = r.json()
    assert r.status_code == 200
    assert body["total"] == 11 and body["limit"] == 3 and body["offset"] == 2 and len(body["items"]) == 3
