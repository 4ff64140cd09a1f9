"""The official BrainSTEM Python client (brainstem_api_tools v2, unmodified)
and its `brainstem` CLI against a running sessionhub.

Run by server/brainstem/client_test.go, which starts the server and sets:
SESSIONHUB_URL (e.g. http://127.0.0.1:PORT/), SESSIONHUB_TOKEN (alice, a staff user),
SESSIONHUB_TOKEN2 (bob), SESSIONHUB_EMAIL / SESSIONHUB_PASSWORD (alice's
sign-in) and SESSIONHUB_EMAIL2 (bob). Tests run in file order and share the
module fixtures; every name carries RUN so reruns on one server don't clash.
"""

import json
import os
import queue
import re
import stat
import subprocess
import sys
import threading
import uuid

import pytest
import requests

from brainstem_api_tools import AuthenticationError, BrainstemClient

URL = os.environ["SESSIONHUB_URL"]
TOKEN = os.environ["SESSIONHUB_TOKEN"]
TOKEN2 = os.environ["SESSIONHUB_TOKEN2"]
EMAIL = os.environ["SESSIONHUB_EMAIL"]
PASSWORD = os.environ["SESSIONHUB_PASSWORD"]
EMAIL2 = os.environ["SESSIONHUB_EMAIL2"]
RUN = uuid.uuid4().hex[:8]
BULK = 250

NOT_FOUND = {"detail": "Not found."}
FORBIDDEN = {"detail": "You do not have permission to perform this action."}
NO_CREDENTIALS = {"detail": "Authentication credentials were not provided."}
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def expect(resp, status):
    """Assert the status and return the decoded JSON body (None when empty)."""
    assert resp.status_code == status, (
        f"{resp.request.method} {resp.request.url} -> {resp.status_code} "
        f"(want {status}): {resp.text[:500]}"
    )
    return resp.json() if resp.content else None


def api(path):
    return URL + "api/" + path


# ---------------------------------------------------------------------------
# Fixtures: the objects the scenarios build on.
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client():
    with BrainstemClient(token=TOKEN, url=URL) as c:
        yield c


@pytest.fixture(scope="module")
def client2():
    with BrainstemClient(token=TOKEN2, url=URL) as c:
        yield c


@pytest.fixture(scope="module")
def project(client):
    body = expect(client.save("project", data={
        "name": f"project {RUN}",
        "description": "<p>hippocampus recordings</p>",
        "tags": ["ephys"],
        "extra_fields": {"lab": "CA1", "year": 2024},
    }), 201)
    return body["project"]


@pytest.fixture(scope="module")
def storages(client):
    out = []
    for i in (1, 2):
        body = expect(client.save("datastorage", data={
            "name": f"storage {i} {RUN}",
            "location": f"server{i}",
            "description": "lab NAS",
            "data_organization": [{"elements": "Projects"}, {"elements": "Sessions"}],
            "data_protocols": [{"protocol": "SMB", "path": f"//nas{i}/data", "is_public": False}],
        }), 201)
        out.append(body["datastorage"])
    return out


@pytest.fixture(scope="module")
def session(client, project, storages):
    body = expect(client.save("session", data={
        "name": f"{RUN} main/session",
        "description": "<p>first day</p>",
        "projects": [project["id"]],
        "datastorage": [storages[1]["id"], storages[0]["id"]],
        "date_time": "2023-03-22T15:30:00Z",
        "tags": ["ephys", "day1"],
        "extra_fields": {"rig": "A", "n_channels": 64},
        "download_links": [
            {"repository": "DANDI", "url": "https://dandiarchive.org/dandiset/000001"},
            {"repository": "GitHub", "url": "https://github.com/lab/code"},
        ],
    }), 201)
    return body["session"]


@pytest.fixture(scope="module")
def bulk(client):
    """A second project with BULK sessions named bulk-RUN-000 … bulk-RUN-249."""
    pid = expect(client.save("project", data={"name": f"bulk {RUN}"}), 201)["project"]["id"]
    ids = []
    for i in range(BULK):
        body = expect(client.save("session", data={
            "name": f"bulk-{RUN}-{i:03d}", "projects": [pid], "tags": [f"t{i % 5}"],
        }), 201)
        ids.append(body["session"]["id"])
    return pid, ids


# ---------------------------------------------------------------------------
# Create and read back.
# ---------------------------------------------------------------------------


def test_create_project(client, project):
    assert UUID_RE.match(project["id"])
    assert project["name"] == f"project {RUN}"
    assert project["is_public"] is False
    assert project["tags"] == ["ephys"]
    assert project["extra_fields"] == {"lab": "CA1", "year": 2024}
    assert project["sessions"] == []
    assert project["users"][EMAIL]["is_owner"] is True
    again = expect(client.load("project", id=project["id"]), 200)
    assert again["project"]["name"] == project["name"]


def test_create_datastorages(client, storages):
    assert storages[0]["id"] != storages[1]["id"]
    assert storages[0]["data_protocols"][0]["path"] == "//nas1/data"
    assert storages[0]["is_public"] is False
    body = expect(client.load("datastorage", filters={"name.icontains": RUN}, sort=["name"]), 200)
    assert [d["id"] for d in body["datastorages"]] == [s["id"] for s in storages]


def test_create_session(client, session, project, storages):
    s = session
    assert UUID_RE.match(s["id"])
    assert s["name"] == f"{RUN} main/session"
    assert s["projects"] == [project["id"]]
    # The through-table keeps the order given.
    assert s["datastorage"] == [storages[1]["id"], storages[0]["id"]]
    assert s["tags"] == ["ephys", "day1"]
    assert s["extra_fields"] == {"rig": "A", "n_channels": 64}
    assert s["download_links"][0] == {"repository": "DANDI", "url": "https://dandiarchive.org/dandiset/000001"}
    assert s["date_time"].startswith("2023-03-22T15:30:00")
    for rel in ("epochs", "dataacquisition", "behaviors", "manipulations"):
        assert s[rel] == [], rel
    assert isinstance(s["name_used_in_storage"], str) and s["name_used_in_storage"]
    assert "/" not in s["name_used_in_storage"]
    assert "projects" in s["links"] and "epochs" not in s["links"]

    detail = expect(client.load("session", id=s["id"]), 200)
    assert list(detail) == ["session"]
    assert detail["session"] == s
    # The project lists it now.
    p = expect(client.load("project", id=project["id"]), 200)["project"]
    assert p["sessions"] == [s["id"]]


# ---------------------------------------------------------------------------
# Filters, sort, include.
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def trio(client, project):
    names = [f"{RUN}-s1-rat", f"{RUN}-s2-Rat", f"{RUN}-s3-mouse"]
    return [expect(client.save("session", data={"name": n, "projects": [project["id"]]}), 201)["session"]
            for n in names]


def test_filter_sort_include(client, project, trio):
    body = expect(client.load(
        "session",
        filters={"name.icontains": "rat", "projects": project["id"]},
        sort=["-name"],
        include=["projects"],
    ), 200)
    # Records key first (the client takes the first list-valued key), then the counters.
    assert list(body)[:5] == ["sessions", "count", "next", "previous", "meta"]
    assert [s["name"] for s in body["sessions"]] == [f"{RUN}-s2-Rat", f"{RUN}-s1-rat"]
    assert body["count"] == 2 and body["next"] is None and body["previous"] is None
    assert body["meta"]["total_results"] == 2
    # include[]=projects.* embeds the project objects.
    assert body["sessions"][0]["projects"][0]["name"] == project["name"]
    assert body["sessions"][0]["projects"][0]["id"] == project["id"]


def test_filter_operators(client, project, session, trio):
    def names(**kw):
        return [s["name"] for s in expect(client.load("session", **kw), 200)["sessions"]]

    pf = {"projects.id": project["id"]}
    assert names(filters={**pf, "name.startswith": f"{RUN}-s"}, sort=["name"]) == [t["name"] for t in trio]
    assert names(filters={**pf, "name.endswith": "mouse"}) == [f"{RUN}-s3-mouse"]
    # contains is case-sensitive, icontains is not.
    assert names(filters={**pf, "name.contains": "Rat"}) == [f"{RUN}-s2-Rat"]
    assert names(filters={**pf, "name.in": [f"{RUN}-s1-rat", f"{RUN}-s3-mouse"]}, sort=["name"]) == [
        f"{RUN}-s1-rat", f"{RUN}-s3-mouse"]
    assert names(filters={**pf, "-name.icontains": "rat"}, sort=["name"]) == [
        session["name"], f"{RUN}-s3-mouse"]
    assert names(filters={**pf, "tags": "day1"}) == [session["name"]]
    assert names(filters={**pf, "date_time.gte": "2023-01-01T00:00:00Z"}) == [session["name"]]
    assert names(filters={"name": session["name"]}) == [session["name"]]


def test_datastorage_embedded_in_order(client, session, storages):
    body = expect(client.load("session", filters={"id": session["id"]}, include=["datastorage"]), 200)
    ds = body["sessions"][0]["datastorage"]
    assert [d["id"] for d in ds] == [storages[1]["id"], storages[0]["id"]]
    assert ds[0]["data_protocols"][0]["path"] == "//nas2/data"


def test_bad_queries_are_400_lists(client):
    resp = client.load("session", filters={"foobar": "x"})
    assert expect(resp, 400) == ["Invalid filter field: foobar"]
    resp = client.load("session", sort=["-nosuchfield"])
    body = expect(resp, 400)
    assert isinstance(body, list) and "nosuchfield" in body[0]
    resp = client.load("session", filters={"id": "abc"})
    body = expect(resp, 400)
    assert isinstance(body, list) and "abc" in body[0]
    resp = client.load("session", include=["nosuchrelation"])
    assert "detail" in expect(resp, 400)


# ---------------------------------------------------------------------------
# Pagination and load_all.
# ---------------------------------------------------------------------------


def test_load_all_pages_through_everything(client, bulk):
    pid, ids = bulk
    combined = client.load("session", filters={"projects": pid}, load_all=True)
    got = [s["id"] for s in combined["sessions"]]
    assert len(got) == BULK and len(set(got)) == BULK
    assert set(got) == set(ids)
    assert combined["count"] == BULK


def test_load_all_sorted_small_pages(client, bulk):
    pid, _ = bulk
    combined = client.load("session", filters={"projects": pid}, sort=["-name"], limit=37, load_all=True)
    names = [s["name"] for s in combined["sessions"]]
    assert names == [f"bulk-{RUN}-{i:03d}" for i in reversed(range(BULK))]


def test_pages_and_links(client, bulk):
    pid, _ = bulk
    first = expect(client.load("session", filters={"projects": pid}, sort=["name"]), 200)
    assert len(first["sessions"]) == 20  # default page size
    assert first["count"] == BULK and first["previous"] is None
    assert first["meta"] == {"page": 1, "per_page": 20, "total_pages": 13, "total_results": BULK}
    # next is an absolute URL that continues the same query.
    assert first["next"].startswith(URL)
    second = expect(client._session.get(first["next"], timeout=30), 200)
    assert [s["name"] for s in second["sessions"]] == [f"bulk-{RUN}-{i:03d}" for i in range(20, 40)]
    assert second["previous"] is not None

    last = expect(client.load("session", filters={"projects": pid}, sort=["name"], limit=20, offset=240), 200)
    assert len(last["sessions"]) == 10 and last["next"] is None
    past = expect(client.load("session", filters={"projects": pid}, offset=1000), 200)
    assert past["sessions"] == [] and past["count"] == BULK
    big = expect(client.load("session", filters={"projects": pid}, limit=101), 200)
    assert len(big["sessions"]) == 100
    tiny = expect(client.load("session", filters={"projects": pid}, limit=0), 200)
    assert len(tiny["sessions"]) == 1


def test_load_session_convenience_loader(client, project, session, bulk):
    pid, _ = bulk
    body = expect(client.load_session(projects=project["id"], name="main/session"), 200)
    assert [s["id"] for s in body["sessions"]] == [session["id"]]
    # Its default include[] (dataacquisition, behaviors, manipulations, epochs)
    # is accepted and embeds the empty relations.
    s = body["sessions"][0]
    for rel in ("dataacquisition", "behaviors", "manipulations", "epochs"):
        assert s[rel] == []
    combined = client.load_session(projects=pid, tags="t3", load_all=True)
    assert len(combined["sessions"]) == BULK // 5
    ds = expect(client.load_datastorage(name=f"storage 2 {RUN}"), 200)
    assert len(ds["datastorages"]) == 1
    pr = expect(client.load_project(name=f"project {RUN}"), 200)
    assert [p["id"] for p in pr["projects"]] == [project["id"]]
    # load_project embeds sessions by default.
    assert session["id"] in [s["id"] for s in pr["projects"][0]["sessions"]]


# ---------------------------------------------------------------------------
# Update and delete.
# ---------------------------------------------------------------------------


def test_patch_keeps_other_fields(client, session, storages):
    body = expect(client.save("session", id=session["id"], data={"description": "new text"}), 200)
    s = body["session"]
    assert s["description"] == "new text"
    assert s["name"] == session["name"] and s["tags"] == session["tags"]
    assert s["datastorage"] == session["datastorage"]
    assert s["extra_fields"] == session["extra_fields"]
    # Setting datastorage replaces the list, in the given order.
    body = expect(client.save("session", id=session["id"], data={"datastorage": [storages[0]["id"]]}), 200)
    assert body["session"]["datastorage"] == [storages[0]["id"]]
    assert expect(client.load("session", id=session["id"]), 200)["session"]["description"] == "new text"


def test_sessiondatastorage_orders_the_list(client, session, storages):
    # The client has no model for the through-table; its authenticated
    # requests session reaches the endpoint directly.
    http, sid = client._session, session["id"]
    ds0, ds1 = storages[0]["id"], storages[1]["id"]
    rows = expect(http.get(api("private/stem/sessiondatastorage/"), params={"filter{session}": sid}, timeout=30), 200)
    assert [r["datastorage"] for r in rows["sessiondatastorages"]] == [ds0]
    row0 = rows["sessiondatastorages"][0]
    row1 = expect(http.post(api("private/stem/sessiondatastorage/"),
                            json={"session": sid, "datastorage": ds1, "order": row0["order"] + 1}, timeout=30), 201)
    row1 = row1["sessiondatastorage"]
    assert expect(client.load("session", id=sid), 200)["session"]["datastorage"] == [ds0, ds1]
    # Moving the first row behind the second reorders the session's list.
    expect(http.patch(api(f"private/stem/sessiondatastorage/{row0['id']}/"),
                      json={"order": row1["order"] + 1}, timeout=30), 200)
    assert expect(client.load("session", id=sid), 200)["session"]["datastorage"] == [ds1, ds0]
    resp = http.delete(api(f"private/stem/sessiondatastorage/{row1['id']}/"), timeout=30)
    assert resp.status_code == 204
    assert expect(client.load("session", id=sid), 200)["session"]["datastorage"] == [ds0]


def test_delete(client, project):
    sid = expect(client.save("session", data={"name": f"{RUN}-doomed", "projects": [project["id"]]}), 201)["session"]["id"]
    resp = client.delete("session", id=sid)
    assert resp.status_code == 204 and resp.content == b""
    assert expect(client.load("session", id=sid), 404) == NOT_FOUND
    assert expect(client.delete("session", id=sid), 404) == NOT_FOUND


# ---------------------------------------------------------------------------
# Error paths.
# ---------------------------------------------------------------------------


def test_validation_errors(client, project, session):
    pid = project["id"]
    assert expect(client.save("session", data={"name": session["name"], "projects": [pid]}), 400) == {
        "name": ["session with this name already exists."]}
    body = expect(client.save("session", data={"name": f"{RUN}-noproj"}), 400)
    assert body == {"projects": ["This field is required."]}
    body = expect(client.save("session", data={"name": f"{RUN}-emptyproj", "projects": []}), 400)
    assert body == {"projects": ["This list may not be empty."]}
    body = expect(client.save("session", data={"projects": [pid]}), 400)
    assert body == {"name": ["This field is required."]}
    body = expect(client.save("session", data={"name": "x" * 101, "projects": [pid]}), 400)
    assert body == {"name": ["Ensure this field has no more than 100 characters."]}
    body = expect(client.save("session", data={"name": f"{RUN}-badlink", "projects": [pid],
                                               "download_links": [{"repository": "Dropbox", "url": "https://x.org"}]}), 400)
    assert list(body) == ["download_links"]
    body = expect(client.save("session", data={"name": f"{RUN}-badurl", "projects": [pid],
                                               "download_links": [{"repository": "DANDI", "url": "dandiarchive.org"}]}), 400)
    assert list(body) == ["download_links"]
    body = expect(client.save("session", data={"name": f"{RUN}-badextra", "projects": [pid],
                                               "extra_fields": {"1bad key": "x"}}), 400)
    assert list(body) == ["extra_fields"]
    body = expect(client.save("session", data={"name": f"{RUN}-unknownproj", "projects": [str(uuid.uuid4())]}), 400)
    assert list(body) == ["projects"]
    body = expect(client.save("session", data={"name": f"{RUN}-badproj", "projects": ["abc"]}), 400)
    assert list(body) == ["projects"]
    # None of them was created.
    body = expect(client.load("session", filters={"projects": pid, "name.icontains": f"{RUN}-bad"}), 200)
    assert body["count"] == 0


def test_not_found(client):
    assert expect(client.load("session", id=str(uuid.uuid4())), 404) == NOT_FOUND
    assert expect(client.save("session", id=str(uuid.uuid4()), data={"description": "x"}), 404) == NOT_FOUND
    assert expect(client.load("project", id=str(uuid.uuid4())), 404) == NOT_FOUND


def test_other_users_sessions(client, client2, project, session):
    sid = session["id"]
    # Not a member: the session is invisible.
    assert expect(client2.load("session", id=sid), 404) == NOT_FOUND
    assert client2.load("session", filters={"id": sid}).json()["count"] == 0
    # Read-only member: visible, but not changeable.
    expect(client.save("project", id=project["id"], data={"users": {EMAIL2: {"can_change": False}}}), 200)
    assert expect(client2.load("session", id=sid), 200)["session"]["id"] == sid
    assert expect(client2.save("session", id=sid, data={"description": "bob was here"}), 403) == FORBIDDEN
    assert expect(client2.delete("session", id=sid), 403) == FORBIDDEN
    assert expect(client2.save("session", data={"name": f"{RUN}-bob", "projects": [project["id"]]}), 403) == FORBIDDEN
    # With can_change he may edit.
    expect(client.save("project", id=project["id"], data={"users": {EMAIL2: {"can_change": True}}}), 200)
    assert expect(client2.save("session", id=sid, data={"tags": ["bob"]}), 200)["session"]["tags"] == ["bob"]
    # Removed again: invisible again.
    expect(client.save("project", id=project["id"], data={"users": {EMAIL2: {"remove": True}}}), 200)
    assert expect(client2.load("session", id=sid), 404) == NOT_FOUND
    # Other users' data storages cannot be linked.
    ds2 = expect(client2.save("datastorage", data={"name": f"bob storage {RUN}"}), 201)["datastorage"]["id"]
    resp = client.save("session", id=sid, data={"datastorage": [ds2]})
    assert resp.status_code in (400, 403), resp.text


def test_public_portal(client, project, session, bulk):
    pid, _ = bulk
    anon = requests.Session()
    # Private endpoints need a token.
    assert expect(anon.get(api("private/stem/session/"), timeout=30), 401) == NO_CREDENTIALS
    # Private project: nothing in the public portal.
    body = expect(anon.get(api("public/stem/session/"), params={"filter{projects}": project["id"]}, timeout=30), 200)
    assert body["sessions"] == [] and body["count"] == 0
    assert expect(anon.get(api(f"public/stem/session/{session['id']}/"), timeout=30), 404) == NOT_FOUND
    # The owner publishes the project: its sessions become readable anonymously.
    body = expect(client.save("project", id=project["id"], data={"is_public": True}), 200)
    assert body["project"]["is_public"] is True
    body = expect(anon.get(api("public/stem/session/"), params={"filter{projects}": project["id"]}, timeout=30), 200)
    assert session["id"] in [s["id"] for s in body["sessions"]]
    body = expect(anon.get(api(f"public/stem/session/{session['id']}"), timeout=30), 200)  # no trailing slash
    assert body["session"]["name"] == session["name"]
    # The client reads the public portal too; the bulk project stays private.
    body = expect(client.load("session", portal="public", filters={"projects": pid}), 200)
    assert body["count"] == 0
    body = expect(client.load("project", portal="public", id=project["id"]), 200)
    assert body["project"]["name"] == project["name"]
    # Every public write is refused.
    resp = anon.post(api("public/stem/session/"), json={"name": f"{RUN}-anon", "projects": [project["id"]]}, timeout=30)
    assert resp.status_code == 403, resp.text
    resp = client.save("session", portal="public", id=session["id"], data={"description": "x"})
    assert expect(resp, 403) == FORBIDDEN
    resp = client.delete("session", portal="public", id=session["id"])
    assert resp.status_code == 403
    assert expect(client.load("session", id=session["id"]), 200)


def test_global_tables(client, client2):
    """species, strain and supplier: written by the staff user alice
    (`user add --staff`), read by everyone on both portals, refused to bob."""
    sp = expect(client.save("species", data={"name": f"Rat {RUN}", "description": "Rattus norvegicus",
                                             "rrid": "RRID:NCBITaxon_10116"}), 201)["species"]
    assert sp["rrid_url"] == "https://scicrunch.org/resolver/RRID:NCBITaxon_10116"
    assert sp["external_identifiers"] == []
    st = expect(client.save("strain", data={"name": f"Wistar {RUN}", "species": sp["id"]}), 201)["strain"]
    assert st["species"] == sp["id"]
    su = expect(client.save("supplier", data={"name": f"Supplier {RUN}", "website": "newsupplier.com"}), 201)["supplier"]
    assert su["website"] == "http://newsupplier.com"
    # load with filters and include, on both portals, as either user
    for c, portal in [(client, "private"), (client2, "private"), (client2, "public")]:
        body = expect(c.load("strain", portal=portal, filters={"species.name": f"Rat {RUN}"}, include=["species"]), 200)
        assert [s["name"] for s in body["strains"]] == [f"Wistar {RUN}"]
        assert body["strains"][0]["species"]["description"] == "Rattus norvegicus"
        body = expect(c.load("species", portal=portal, id=sp["id"]), 200)
        assert body["species"]["name"] == f"Rat {RUN}"
        body = expect(c.load("supplier", portal=portal, filters={"name.icontains": RUN}), 200)
        assert [s["id"] for s in body["suppliers"]] == [su["id"]]
    all_species = client.load("species", filters={"name.icontains": RUN}, load_all=True)
    assert [s["id"] for s in all_species["species"]] == [sp["id"]]
    anon = requests.Session()
    body = expect(anon.get(api("public/taxonomies/species/"), params={"filter{name}": f"Rat {RUN}"}, timeout=30), 200)
    assert body["count"] == 1
    # bob is not staff
    assert expect(client2.save("species", data={"name": f"Mouse {RUN}"}), 403) == FORBIDDEN
    assert expect(client2.save("strain", id=st["id"], data={"description": "x"}), 403) == FORBIDDEN
    assert expect(client2.delete("supplier", id=su["id"]), 403) == FORBIDDEN
    # bad input in DRF's shapes
    assert expect(client.save("species", data={"name": f"Rat {RUN}"}), 400) == {
        "name": ["species with this name already exists."]}
    assert expect(client.save("strain", data={"name": f"SD {RUN}"}), 400) == {"species": ["This field is required."]}
    # change, then delete (a species with strains stays)
    body = expect(client.save("strain", id=st["id"], data={"description": "albino"}), 200)
    assert body["strain"]["description"] == "albino" and body["strain"]["species"] == sp["id"]
    expect(client.delete("species", id=sp["id"]), 400)
    assert client.delete("strain", id=st["id"]).status_code == 204
    assert client.delete("species", id=sp["id"]).status_code == 204
    assert client.delete("supplier", id=su["id"]).status_code == 204
    assert expect(client.load("species", id=sp["id"]), 404) == NOT_FOUND


@pytest.fixture(scope="module")
def strain(client):
    sp = expect(client.save("species", data={"name": f"Mouse {RUN}"}), 201)["species"]
    return expect(client.save("strain", data={"name": f"C57BL/6 {RUN}", "species": sp["id"]}), 201)["strain"]


@pytest.fixture(scope="module")
def subject(client, project, strain):
    return expect(client.save("subject", data={
        "name": f"{RUN} mouse 1", "projects": [project["id"]], "strain": strain["id"], "sex": "F",
        "birth_date": "2024-02-29", "tags": ["ca1"], "extra_fields": {"weight_g": 21.5},
    }), 201)["subject"]


def test_subjects(client, client2, project, strain, subject):
    assert subject["strain"] == strain["id"] and subject["projects"] == [project["id"]]
    assert subject["licenses"] == [] and subject["procedures"] == [] and subject["subjectlogs"] == []
    assert subject["birth_date"] == "2024-02-29" and subject["status"] == "active"
    # load_subject embeds procedures and subjectlogs by default (none exist)
    body = expect(client.load_subject(name=f"{RUN} mouse", strain=strain["id"], sex="F"), 200)
    assert [s["id"] for s in body["subjects"]] == [subject["id"]]
    body = expect(client.load("subject", filters={"strain.species.name": f"Mouse {RUN}"}, include=["strain", "projects"]), 200)
    s = body["subjects"][0]
    assert s["strain"]["name"] == strain["name"] and s["projects"][0]["id"] == project["id"]
    body = expect(client.save("subject", id=subject["id"], data={"genotype": "wt", "death_date": None}), 200)
    assert body["subject"]["genotype"] == "wt" and body["subject"]["birth_date"] == "2024-02-29"
    # bob is no member of the project
    assert expect(client2.load("subject", id=subject["id"]), 404) == NOT_FOUND
    assert expect(client2.load("subject", filters={"name.icontains": RUN}), 200)["count"] == 0
    assert expect(client2.save("subject", id=subject["id"], data={"genotype": "x"}), 404) == NOT_FOUND
    errors = expect(client.save("subject", data={"name": f"{RUN} mouse 2", "projects": [project["id"]],
                                                   "strain": strain["id"], "sex": "X"}), 400)
    assert errors == {"sex": ['"X" is not a valid choice.']}
    tmp = expect(client.save("subject", data={"name": f"{RUN} mouse 2", "projects": [project["id"]],
                                                "strain": strain["id"], "sex": "U"}), 201)["subject"]
    assert client.delete("subject", id=tmp["id"]).status_code == 204
    assert expect(client.load("subject", id=tmp["id"]), 404) == NOT_FOUND


@pytest.fixture(scope="module")
def collection(client, project, session):
    return expect(client.save("collection", data={"name": f"{RUN} day 1", "project": project["id"],
                                                   "sessions": [session["id"]]}), 201)["collection"]


@pytest.fixture(scope="module")
def cohort(client, project, subject):
    return expect(client.save("cohort", data={"name": f"{RUN} females", "project": project["id"],
                                               "subjects": [subject["id"]], "tags": ["f"]}), 201)["cohort"]


def test_collections_and_cohorts(client, client2, project, session, subject, collection, cohort):
    assert collection["sessions"] == [session["id"]] and collection["project"] == project["id"]
    body = expect(client.load_collection(name=RUN), 200)
    c = body["collections"][0]
    assert c["id"] == collection["id"] and c["sessions"][0]["name"] == session["name"]  # embedded by default
    body = expect(client.load_cohort(name=RUN), 200)
    assert body["cohorts"][0]["subjects"][0]["id"] == subject["id"]
    body = expect(client.load("cohort", filters={"subjects.name": subject["name"]}), 200)
    assert [x["id"] for x in body["cohorts"]] == [cohort["id"]]
    body = expect(client.save("collection", id=collection["id"], data={"description": "first day"}), 200)
    assert body["collection"]["sessions"] == [session["id"]]
    assert expect(client2.load("cohort", id=cohort["id"]), 404) == NOT_FOUND
    assert expect(client.save("cohort", data={"name": "x"}), 400) == {"project": ["This field is required."]}
    tmp = expect(client.save("cohort", data={"name": f"{RUN} tmp", "project": project["id"]}), 201)["cohort"]
    assert client.delete("cohort", id=tmp["id"]).status_code == 204
    assert expect(client.load("cohort", id=tmp["id"]), 404) == NOT_FOUND


def test_breedings(client, client2, project, strain, subject):
    father = expect(client.save("subject", data={"name": f"{RUN} male 1", "projects": [project["id"]],
                                                  "strain": strain["id"], "sex": "M"}), 201)["subject"]
    b = expect(client.save("breeding", data={"name": f"{RUN} pair", "project": project["id"], "mother": subject["id"],
                                              "father": father["id"], "litter_size": 7, "start_date": "2026-03-01"}), 201)["breeding"]
    assert b["mother"] == subject["id"] and b["litter_size"] == 7 and b["end_date"] is None
    body = expect(client.load("breeding", filters={"mother.name": subject["name"]}, include=["father"]), 200)
    assert [x["father"]["name"] for x in body["breedings"]] == [father["name"]]
    pup = expect(client.save("subject", data={"name": f"{RUN} pup 1", "projects": [project["id"]], "strain": strain["id"],
                                               "sex": "U", "breeding": b["id"]}), 201)["subject"]
    assert pup["breeding"] == b["id"]
    assert expect(client2.load("breeding", id=b["id"]), 404) == NOT_FOUND
    assert expect(client.delete("subject", id=father["id"]), 400)["detail"]
    assert client.delete("breeding", id=b["id"]).status_code == 204
    assert expect(client.load("subject", id=pup["id"]), 200)["subject"]["breeding"] is None
    assert client.delete("subject", id=pup["id"]).status_code == 204
    assert client.delete("subject", id=father["id"]).status_code == 204


def test_load_project_default_includes(client, project, session, subject, collection, cohort):
    """load_project embeds sessions, subjects, collections and cohorts by
    default in lists (the client sends no include[] with an id)."""
    body = expect(client.load_project(name=project["name"]), 200)
    assert [x["id"] for x in body["projects"]] == [project["id"]]
    p = body["projects"][0]
    assert session["id"] in [s["id"] for s in p["sessions"]]
    assert all(isinstance(s, dict) for s in p["sessions"])
    assert [s["name"] for s in p["subjects"]] == [subject["name"]]
    assert [c["name"] for c in p["collections"]] == [collection["name"]]
    assert [c["name"] for c in p["cohorts"]] == [cohort["name"]]
    body = expect(client.load_project(subjects=subject["id"]), 200)
    assert [x["id"] for x in body["projects"]] == [project["id"]]
    body = expect(client.load_project(id=project["id"]), 200)
    assert session["id"] in body["project"]["sessions"]
    assert body["project"]["subjects"] == [subject["id"]]


def test_attributes_resources_taxonomies(client, client2, subject):
    """setup, behavioral assay, license (personal attributes: owned by alice,
    shown to bob once public), and the global resources and taxonomies
    (written by the staff user alice only), with the client's loaders."""
    st = expect(client.save("setuptype", data={"name": f"Theta maze {RUN}", "category": "F"}), 201)["setup_type"]
    assert expect(client2.save("setuptype", data={"name": f"Y-maze {RUN}", "category": "U"}), 403) == FORBIDDEN
    bp = expect(client.save("behavioralparadigm", data={"name": f"Alternation {RUN}"}), 201)["behavioral_paradigm"]
    su = expect(client.save("supplier", data={"name": f"Intan {RUN}"}), 201)["supplier"]
    hd = expect(client.save("hardwaredevice", data={"name": f"RHD2000 {RUN}", "supplier": su["id"]}), 201)["hardwaredevice"]
    br = expect(client.save("brainregion", data={"name": f"Hippocampus {RUN}", "acronym": RUN, "atlas": "AIA"}), 201)["brain_region"]
    assert [x["id"] for x in expect(client2.load_hardwaredevice(name=f"RHD2000 {RUN}"), 200)["hardwaredevices"]] == [hd["id"]]
    assert [x["id"] for x in expect(client2.load_brainregion(name=f"Hippocampus {RUN}"), 200)["brain_regions"]] == [br["id"]]
    assert expect(client2.load("setuptype", id=st["id"], portal="public"), 200)["setup_type"]["category"] == "F"
    # personal attributes
    setup = expect(client.save("setup", data={"name": f"Maze {RUN}", "setup_type": st["id"],
                                              "specifications": {"Length": 100, "Width": "30 cm"}}), 201)["setup"]
    assert setup["is_public"] is False and setup["image"] is None
    lic = expect(client.save("license", data={"name": f"IACUC {RUN}", "type": "animal_research_authorization",
                                              "status": "active", "valid_from": "2026-01-01", "valid_until": "2028-12-31"}), 201)["license"]
    assay = expect(client.save("behavioralassay", data={"name": f"TMaze {RUN}", "setup_type": st["id"],
                                                        "behavioral_paradigm": bp["id"], "licenses": [lic["id"]]}), 201)["behavioralassay"]
    body = expect(client.load_behavioralassay(name=f"TMaze {RUN}", include=["licenses", "setup_type"]), 200)
    a = body["behavioralassays"][0]
    assert a["licenses"][0]["name"] == lic["name"] and a["setup_type"]["name"] == st["name"]
    assert expect(client2.load("setup", id=setup["id"]), 404) == NOT_FOUND
    assert expect(client2.load_setup(name=f"Maze {RUN}"), 200)["count"] == 0
    assert expect(client2.save("setup", id=setup["id"], data={"description": "mine"}), 404) == NOT_FOUND
    body = expect(client.save("setup", id=setup["id"], data={"description": "new text", "is_public": True}), 200)
    assert body["setup"]["specifications"] == {"Length": 100, "Width": "30 cm"}
    assert [x["id"] for x in expect(client2.load_setup(name=f"Maze {RUN}"), 200)["setups"]] == [setup["id"]]
    assert expect(client2.save("setup", id=setup["id"], data={"description": "mine"}), 403) == FORBIDDEN
    anon = requests.get(api("public/personal_attributes/setup/" + setup["id"] + "/"), timeout=30)
    assert expect(anon, 200)["setup"]["description"] == "new text"
    assert expect(client.save("license", data={"name": "x", "type": "animal_research_authorization",
                                               "valid_from": "2026-01-02", "valid_until": "2026-01-01"}), 400) == {
        "valid_until": ["Ensure this date is on or after valid_from."]}
    # the subject's licenses
    body = expect(client.save("subject", id=subject["id"], data={"licenses": [lic["id"]]}), 200)
    assert body["subject"]["licenses"] == [lic["id"]]
    body = expect(client.load("license", id=lic["id"]), 200)
    assert body["license"]["subjects"] == [subject["id"]] and body["license"]["behavioralassays"] == [assay["id"]]
    # a referenced setup type stays; then everything goes
    assert expect(client.delete("setuptype", id=st["id"]), 400)["detail"]
    assert client2.delete("hardwaredevice", id=hd["id"]).status_code == 403
    for model, rec in [("behavioralassay", assay), ("license", lic), ("setup", setup), ("setuptype", st),
                       ("behavioralparadigm", bp), ("hardwaredevice", hd), ("brainregion", br), ("supplier", su)]:
        assert client.delete(model, id=rec["id"]).status_code == 204, model
    assert expect(client.load("subject", id=subject["id"]), 200)["subject"]["licenses"] == []


def test_bad_token(client):
    bad = BrainstemClient(token="shp_not-a-real-token", url=URL)
    with pytest.raises(AuthenticationError):
        bad.load("session", load_all=True)
    assert bad.load("session").status_code == 401


def test_password_token_endpoint():
    resp = requests.post(api("token/"), json={"username": EMAIL, "password": PASSWORD}, timeout=30)
    body = expect(resp, 200)
    assert body["token"] and body["access"]
    c = BrainstemClient(token=body["token"], url=URL)
    expect(c.load("session"), 200)
    resp = requests.post(api("token/"), json={"username": EMAIL, "password": "wrong"}, timeout=30)
    assert resp.status_code == 401


# ---------------------------------------------------------------------------
# The brainstem CLI.
# ---------------------------------------------------------------------------


def brainstem(*args, home, timeout=60):
    env = {**os.environ, "HOME": str(home), "PYTHONUNBUFFERED": "1", "BRAINSTEM_API_TOKEN": ""}
    return subprocess.run(
        [sys.executable, "-c", "from brainstem_api_tools.cli import main; main()", *args],
        capture_output=True, text=True, env=env, timeout=timeout,
    )


def test_cli_load_save_delete(tmp_path, project, session):
    r = brainstem("load", "session", "--url", URL, "--token", TOKEN,
                  "--filters", f"name.icontains={RUN}-s", "--sort=-name", "--include", "projects",
                  home=tmp_path)
    assert r.returncode == 0, r.stderr
    body = json.loads(r.stdout)
    assert [s["name"] for s in body["sessions"]] == [f"{RUN}-s3-mouse", f"{RUN}-s2-Rat", f"{RUN}-s1-rat"]
    assert body["sessions"][0]["projects"][0]["id"] == project["id"]

    r = brainstem("save", "session", "--url", URL, "--token", TOKEN,
                  "--data", json.dumps({"name": f"{RUN}-cli", "projects": [project["id"]]}), home=tmp_path)
    assert r.returncode == 0, r.stderr
    sid = json.loads(r.stdout)["session"]["id"]
    r = brainstem("load", "session", "--url", URL, "--token", TOKEN, "--id", sid, home=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["session"]["name"] == f"{RUN}-cli"
    r = brainstem("delete", "session", "--url", URL, "--token", TOKEN, "--id", sid, home=tmp_path)
    assert r.returncode == 0 and "Deleted successfully." in r.stdout
    # Errors: the JSON body is printed and the exit status is 1.
    r = brainstem("load", "session", "--url", URL, "--token", TOKEN, "--id", sid, home=tmp_path)
    assert r.returncode == 1 and json.loads(r.stdout) == NOT_FOUND
    r = brainstem("load", "session", "--url", URL, "--token", "shp_bad", home=tmp_path)
    assert r.returncode == 1 and "detail" in json.loads(r.stdout)


# ---------------------------------------------------------------------------
# Device login: `brainstem login --headless` and the sign-in page.
# ---------------------------------------------------------------------------


class Login:
    """A `brainstem login --headless` subprocess with its first output line."""

    PROMPT = re.compile(r"^Open (\S+) and enter: (\S+)$")

    def __init__(self, home):
        self.home = home
        env = {**os.environ, "HOME": str(home), "PYTHONUNBUFFERED": "1", "BRAINSTEM_API_TOKEN": ""}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from brainstem_api_tools.cli import main; main()",
             "login", "--url", URL, "--headless"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        lines = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.proc.stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=20)
        except queue.Empty:
            self.proc.kill()
            raise AssertionError("brainstem login printed nothing within 20 s")
        m = self.PROMPT.match(first.strip())
        assert m, f"unexpected login prompt {first!r}"
        self.uri, self.code = m.group(1), m.group(2)

    def finish(self, timeout=30):
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        return self.proc.returncode, out, err


def sign_in(uri, code, action, email=EMAIL, password=PASSWORD):
    return requests.post(uri, data={"email": email, "password": password, "code": code, "action": action},
                         timeout=30)


def test_device_login(tmp_path):
    home_ok, home_no = tmp_path / "ok", tmp_path / "no"
    home_ok.mkdir()
    home_no.mkdir()
    # Two logins at once: one approved, one denied (each waits one 5 s poll).
    ok = Login(home_ok)
    try:
        no = Login(home_no)
        try:
            device_login_scenario(ok, no, home_ok, home_no)
        finally:
            no.proc.kill()
    finally:
        ok.proc.kill()


def device_login_scenario(ok, no, home_ok, home_no):
    assert ok.uri == URL + "account/authorize/"
    assert ok.code != no.code

    page = requests.get(ok.uri, timeout=30)
    assert page.status_code == 200 and "<form" in page.text.lower()
    bad = sign_in(ok.uri, ok.code, "approve", password="wrong password")
    assert bad.status_code == 401 and "Invalid email or password" in bad.text
    good = sign_in(ok.uri, ok.code, "approve")
    assert good.status_code == 200 and "Approved" in good.text, good.text
    denied = sign_in(no.uri, no.code, "deny")
    assert denied.status_code == 200 and "Denied" in denied.text, denied.text
    # A decided code cannot be decided again.
    assert sign_in(ok.uri, ok.code, "deny").status_code in (400, 409)

    rc, out, err = ok.finish()
    assert rc == 0, err
    token_file = home_ok / ".config" / "brainstem" / "token"
    token = token_file.read_text().strip()
    assert f"Token: {token}" in out
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    # The cached token works for the client and for the CLI without --token.
    expect(BrainstemClient(token=token, url=URL).load("session"), 200)
    r = brainstem("load", "project", "--url", URL, home=home_ok)
    assert r.returncode == 0, r.stderr
    assert "projects" in json.loads(r.stdout)

    rc, out, err = no.finish()
    assert rc != 0 and "access_denied" in err
    assert not (home_no / ".config" / "brainstem" / "token").exists()


def test_device_endpoints_by_hand():
    start = expect(requests.post(api("auth/device/"), json={"client_name": "pytest"}, timeout=30), 200)
    for key in ("session_id", "device_code", "user_code", "verification_uri", "verification_uri_complete"):
        assert start[key], key
    assert start["expires_in"] == 900 and start["interval"] == 5
    assert start["verification_uri_complete"] == start["verification_uri"] + "?session=" + start["session_id"]

    def poll(code):
        return expect(requests.post(api("auth/device/token/"), json={"device_code": code}, timeout=30), 200)

    assert poll(start["device_code"]) == {"status": "authorization_pending"}
    assert poll("no-such-code") == {"error": "invalid_grant"}
    # The page accepts the session id from verification_uri_complete as the code.
    page = requests.get(start["verification_uri_complete"], timeout=30)
    assert page.status_code == 200
    assert sign_in(start["verification_uri"], start["session_id"], "approve").status_code == 200
    got = poll(start["device_code"])
    assert got["status"] == "success" and got["token"]
    assert poll(start["device_code"]) == {"error": "already_used"}
    expect(BrainstemClient(token=got["token"], url=URL).load("session"), 200)
    # An unknown code on the page is a 400.
    assert sign_in(start["verification_uri"], "ZZZZ-0000", "approve").status_code == 400


def test_electrophysiology_workflow(client, client2, project, strain):
    """docs/tutorials/electrophysiology-workflow.md (brainstem-org/brainstem_support),
    with the current names and the schema pages' {value, unit} numbers: subject,
    setup, behavioral assay, equipment, session, behavior, procedure, data
    acquisition; then the session list with its modules embedded and the
    tutorial's step 11 queries."""
    # the staff user alice seeds the taxonomies the attributes point at
    st = expect(client.save("setuptype", data={"name": f"Theta maze {RUN}", "category": "F"}), 201)["setup_type"]
    cat = expect(client.save("behavioralcategory", data={"name": f"Learning {RUN}"}), 201)["behavioral_category"]
    bp = expect(client.save("behavioralparadigm", data={"name": f"Alternation {RUN}", "category": cat["id"]}), 201)["behavioral_paradigm"]
    hip = expect(client.save("brainregion", data={"name": f"Hippocampal region {RUN}", "acronym": f"H{RUN}", "atlas": "AIA"}),
                 201)["brain_region"]

    subject = expect(client.save("subject", data={
        "name": f"TM_R001 {RUN}", "projects": [project["id"]], "strain": strain["id"], "sex": "M",
        "birth_date": "2024-05-01", "subject_identifier": "Red-001"}), 201)["subject"]
    setup = expect(client.save("setup", data={"name": f"Theta maze room {RUN}", "setup_type": st["id"]}), 201)["setup"]
    assay = expect(client.save("behavioralassay", data={
        "name": f"Theta Maze Alternation Task {RUN}", "setup_type": st["id"], "behavioral_paradigm": bp["id"],
        "description": "continuous alternation", "is_public": False}), 201)["behavioralassay"]
    rig = expect(client.save("equipment", data={
        "name": "Neuropixels acquisition system", "type": "DataAcquisitionSystem", "setup": setup["id"],
        "coordinates_system": "External_XYZ_Absolute", "details": {}}), 201)["equipment"]
    assert rig["setup"] == setup["id"] and rig["type_schema_version"]
    frame = expect(client.save("equipment", data={
        "name": "Stereotaxic Frame", "type": "StereotaxicFrame", "setup": setup["id"],
        "coordinates_system": "External_XYZ_Absolute"}), 201)["equipment"]
    eq = client.load_equipment(setup=setup["id"]).json()["equipment"]
    assert sorted(e["id"] for e in eq) == sorted([rig["id"], frame["id"]])

    session = expect(client.save("session", data={
        "name": f"TM_R001_Day1_ThetaMaze_Training1 {RUN}", "projects": [project["id"]],
        "date_time": "2024-08-22T09:00:00Z"}), 201)["session"]
    behavior = expect(client.save("behavior", data={
        "session": session["id"], "subjects": [subject["id"]], "setup": setup["id"],
        "behavioralassay": assay["id"], "notes": "training day 1"}), 201)["behavior"]
    assert behavior["session"] == session["id"] and behavior["subjects"] == [subject["id"]]
    implant = expect(client.save("procedure", data={
        "type": "SiliconProbeImplant", "subject": subject["id"], "date_time": "2024-08-15T10:00:00Z",
        "equipment": [frame["id"]], "brain_region": hip["id"], "notes": "right hemisphere",
        "details": {"probeId": "NP2-0001"},
        "coordinates_system": "Stereotaxic_BregmaBrainSurface",
        "coordinates_details": {"apCoordinate": {"value": -3.5, "unit": "mm"}, "mlCoordinate": {"value": 2.5, "unit": "mm"},
                                "depth": {"value": 2.0, "unit": "mm"}}}), 201)["procedure"]
    ephys = expect(client.save("dataacquisition", data={
        "type": "ExtracellularEphys", "session": session["id"], "procedures": [implant["id"]], "equipment": [rig["id"]],
        "details": {"fileName": "tm_r001_day1.dat", "format": "Binary", "type": "int16", "nChannels": 384,
                    "sr": {"value": 30000, "unit": "Hz"}, "nSamples": 216000000}}), 201)["data_acquisition"]
    video = expect(client.save("dataacquisition", data={
        "type": "VideoTracking", "session": session["id"], "procedures": [implant["id"]], "order": 1,
        "details": {"frameRate": {"value": 60, "unit": "Hz"}}}), 201)["data_acquisition"]
    # the old flat numbers are refused, naming the failing path
    assert expect(client.save("dataacquisition", data={
        "type": "ExtracellularEphys", "session": session["id"], "details": {"sr": 30000}}), 400) == {
        "details": ["sr: 30000 is not of type 'object'"]}
    assert "Valid choices" in expect(client.save("dataacquisition", data={
        "type": "Extracellular", "session": session["id"]}), 400)["type"][0]

    # the session list embeds its modules; load_session includes them by default
    body = expect(client.load("session", filters={"id": session["id"]},
                              include=["behaviors", "dataacquisition", "manipulations"]), 200)
    s = body["sessions"][0]
    assert [d["id"] for d in s["dataacquisition"]] == [ephys["id"], video["id"]]
    assert s["dataacquisition"][0]["details"]["sr"] == {"value": 30000, "unit": "Hz"}
    assert [b["id"] for b in s["behaviors"]] == [behavior["id"]] and s["behaviors"][0]["setup"] == setup["id"]
    assert s["manipulations"] == [] and s["epochs"] == []
    # with an id the client drops include[]: the relations come as ids, by order
    s = expect(client.load_session(id=session["id"]), 200)["session"]
    assert s["dataacquisition"] == [ephys["id"], video["id"]] and s["behaviors"] == [behavior["id"]]
    subj = expect(client.load_subject(id=subject["id"]), 200)["subject"]
    assert subj["procedures"] == [implant["id"]]

    # step 11 of the tutorial
    subjects = client.load("subject", filters={"name": f"TM_R001 {RUN}"}).json()
    subject_id = subjects["subjects"][0]["id"]
    # (the tutorial calls .json() here; with load_all this client returns the merged dict)
    behaviors = client.load("behavior", filters={"subjects": subject_id}, load_all=True)
    session_ids = list({b["session"] for b in behaviors.get("behaviors", [])})
    assert session_ids == [session["id"]]
    found = client.load("dataacquisition", filters={"session": session["id"], "type": "ExtracellularEphys"}).json()
    assert [d["id"] for d in found["data_acquisitions"]] == [ephys["id"]]
    assert client.load_dataacquisition(session=session["id"]).json()["data_acquisitions"][0]["id"] == ephys["id"]
    # sessions by their data acquisitions
    body = expect(client.load("session", filters={"dataacquisition.type": "VideoTracking", "name.icontains": RUN}), 200)
    assert [x["id"] for x in body["sessions"]] == [session["id"]]

    # bob is not in the project: he sees none of it, and may not write it
    assert client2.load("behavior", filters={"session": session["id"]}).json()["behaviors"] == []
    expect(client2.save("dataacquisition", id=ephys["id"], data={"notes": "x"}), 404)
    expect(client2.save("behavior", data={"session": session["id"], "subjects": [subject["id"]],
                                          "setup": setup["id"], "behavioralassay": assay["id"]}), 400)

    # deletes: a listed procedure stays; the session takes its modules with it
    assert expect(client.delete("procedure", id=implant["id"]), 400)["detail"].startswith("This procedure is still referenced by")
    assert client.delete("session", id=session["id"]).status_code == 204
    expect(client.load("dataacquisition", id=ephys["id"]), 404)
    expect(client.load("behavior", id=behavior["id"]), 404)
    assert client.delete("procedure", id=implant["id"]).status_code == 204


def test_subject_and_procedure_logs(client, client2, project, strain):
    """docs/api/modules/subjectlog.md and procedurelog.md: a log is created
    empty, its entries change through save(..., options='add_entry' |
    'change_entry' | 'remove_entry'), which the client sends as PATCH
    .../<id>/<action> without the trailing slash; entries are named by their
    date_time. The tutorial's Weighing entry uses the schema page's
    {value, unit} weight."""
    subject = expect(client.save("subject", data={
        "name": f"TM_R002 {RUN}", "projects": [project["id"]], "strain": strain["id"], "sex": "M"}), 201)["subject"]
    log = expect(client.save("subjectlog", data={"type": "Weighing", "subject": subject["id"],
                                                 "description": "daily weight"}), 201)["subject_log"]
    assert log["entries"] == [] and log["subject"] == subject["id"] and log["type"] == "Weighing"
    assert isinstance(log["user"], int)
    body = expect(client.save("subjectlog", id=log["id"], options="add_entry", data={
        "date_time": "2024-08-01T09:00:00Z", "notes": "before surgery",
        "details": {"weight": {"value": 385, "unit": "g"}}}), 200)["subject_log"]
    assert body["entries"] == [{"date_time": "2024-08-01T09:00:00Z", "notes": "before surgery",
                                "details": {"weight": {"value": 385, "unit": "g"}}}]
    expect(client.save("subjectlog", id=log["id"], options="add_entry", data={
        "date_time": "2024-08-02T09:00:00Z", "notes": None, "details": {"weight": {"value": 380, "unit": "g"}}}), 200)
    # the docs' flat weight is refused, naming the failing path
    # (the typed request body loses the spelling 1254.0, as on the other modules)
    assert expect(client.save("subjectlog", id=log["id"], options="add_entry", data={
        "date_time": "2024-08-03T09:00:00Z", "details": {"weight": 1254}}), 400) == {
        "details": ["weight: 1254 is not of type 'object'"]}
    body = expect(client.save("subjectlog", id=log["id"], options="change_entry",
                              data={"date_time": "2024-08-01T09:00:00Z", "notes": "new text"}), 200)["subject_log"]
    assert [e["date_time"] for e in body["entries"]] == ["2024-08-02T09:00:00Z", "2024-08-01T09:00:00Z"]
    assert body["entries"][1]["notes"] == "new text" and body["entries"][1]["details"]["weight"]["value"] == 385
    body = expect(client.save("subjectlog", id=log["id"], options="remove_entry",
                              data={"date_time": "2024-08-02T09:00:00Z"}), 200)["subject_log"]
    assert [e["date_time"] for e in body["entries"]] == ["2024-08-01T09:00:00Z"]
    assert expect(client.save("subjectlog", id=log["id"], options="remove_entry",
                              data={"date_time": "2024-08-02T09:00:00Z"}), 400) == {
        "date_time": ["No entry with this date_time."]}
    # an interval log: only the start is required (the tutorial's Housing log)
    housing = expect(client.save("subjectlog", data={"type": "Housing", "subject": subject["id"]}), 201)["subject_log"]
    body = expect(client.save("subjectlog", id=housing["id"], options="add_entry", data={
        "start_date_time": "2024-08-01T08:00:00Z", "notes": "new cage",
        "details": {"location": "Room 1", "cageId": "C-7", "cageType": "IVC", "lightCycle": "12:12", "enrichment": "tube"}}),
        200)["subject_log"]
    assert body["entries"][0]["end_date_time"] is None
    # load with filters, and the subject embeds its logs
    found = expect(client.load_subjectlog(subject=subject["id"]), 200)["subject_logs"]
    assert [x["id"] for x in found] == [log["id"], housing["id"]]
    found = expect(client.load("subjectlog", filters={"subject": subject["id"], "type": "Housing"}), 200)["subject_logs"]
    assert [x["id"] for x in found] == [housing["id"]]
    subj = expect(client.load_subject(filters={"id": subject["id"]}), 200)["subjects"][0]
    assert [x["type"] for x in subj["subjectlogs"]] == ["Weighing", "Housing"]
    # bob is not in the project
    expect(client2.load("subjectlog", id=log["id"]), 404)
    expect(client2.save("subjectlog", id=log["id"], options="add_entry", data={"date_time": "2024-09-01T00:00:00Z"}), 404)

    # a procedure log
    implant = expect(client.save("procedure", data={
        "type": "SiliconProbeImplant", "subject": subject["id"], "coordinates_system": "Stereotaxic_BregmaBrainSurface"}),
        201)["procedure"]
    plog = expect(client.save("procedurelog", data={"type": "LinearDisplacement", "procedure": implant["id"]}),
                  201)["procedure_log"]
    assert plog == {"id": plog["id"], "type": "LinearDisplacement", "description": None,
                    "procedure": implant["id"], "entries": []}
    expect(client.save("procedurelog", id=plog["id"], options="add_entry", data={
        "date_time": "2023-04-05T13:45:00Z", "notes": None, "details": {"displacement": {"value": 9.0, "unit": "µm"}}}), 200)
    body = expect(client.save("procedurelog", id=plog["id"], options="change_entry",
                              data={"date_time": "2023-04-05T13:45:00Z", "notes": "new text"}), 200)["procedure_log"]
    assert body["entries"] == [{"date_time": "2023-04-05T13:45:00Z", "notes": "new text",
                                "details": {"displacement": {"value": 9.0, "unit": "µm"}}}]
    found = expect(client.load_procedurelog(procedure=implant["id"]), 200)["procedure_logs"]
    assert [x["id"] for x in found] == [plog["id"]]
    body = expect(client.save("procedurelog", id=plog["id"], options="remove_entry",
                              data={"date_time": "2023-04-05T13:45:00Z"}), 200)["procedure_log"]
    assert body["entries"] == []
    # deleting the procedure takes its log with it, deleting the subject its logs
    assert client.delete("procedure", id=implant["id"]).status_code == 204
    expect(client.load("procedurelog", id=plog["id"]), 404)
    assert client.delete("subject", id=subject["id"]).status_code == 204
    expect(client.load("subjectlog", id=log["id"]), 404)
