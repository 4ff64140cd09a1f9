"""Drives a running sessionhub through the Python clients that
openapi-python-client generates from openapi/atlas.yaml and
openapi/brainstem.yaml (into gen/, at test time, by ../run.sh).

Exits non-zero on the first step whose status or content is not what the
spec promises. Environment: SESSIONHUB_URL and SESSIONHUB_TOKEN.
"""

import io
import os
import sys
from http import HTTPStatus
from typing import Protocol, TypeVar
from uuid import UUID

from atlas_client import AuthenticatedClient as AtlasClient
from atlas_client.api.attachments import get_attachment_content, remove_attachment, upload_files
from atlas_client.api.sessions import create_session, delete_session, get_session, list_sessions, update_session
from atlas_client.models import AttachmentList, CreateSessionRequest, Session, SessionList, UpdateSessionRequest, UploadFilesBody
from atlas_client.types import File
from brainstem_client import AuthenticatedClient as BrainstemClient
from brainstem_client.api.project import create_project, delete_project
from brainstem_client.api.session import create_session as bs_create_session
from brainstem_client.api.session import delete_session as bs_delete_session
from brainstem_client.api.session import get_session as bs_get_session
from brainstem_client.api.session import list_sessions as bs_list_sessions
from brainstem_client.api.session import update_session as bs_update_session
from brainstem_client.models import ExtraFields, ProjectCreate, ProjectDetail, SessionCreate, SessionDetail, SessionPatch
from brainstem_client.models import SessionList as BSSessionList

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class Answer(Protocol[T_co]):
    """What both generated clients' Response types have in common."""

    @property
    def status_code(self) -> HTTPStatus: ...
    @property
    def content(self) -> bytes: ...
    @property
    def parsed(self) -> T_co | None: ...


class StepFailed(Exception):
    pass


def expect(step: str, resp: Answer[object], status: HTTPStatus) -> None:
    if resp.status_code != status:
        raise StepFailed(f"{step}: status {resp.status_code}, want {status}: {resp.content!r}")


def parsed(step: str, resp: Answer[object], status: HTTPStatus, kind: type[T]) -> T:
    """The response's body as kind, after checking its status."""
    expect(step, resp, status)
    if not isinstance(resp.parsed, kind):
        raise StepFailed(f"{step}: body is {type(resp.parsed).__name__}, want {kind.__name__}: {resp.content!r}")
    return resp.parsed


def check(step: str, ok: bool, what: object) -> None:
    if not ok:
        raise StepFailed(f"{step}: unexpected {what!r}")


def atlas(base: str, token: str) -> None:
    client = AtlasClient(base_url=base, token=token)

    s = parsed("create", create_session.sync_detailed(client=client, body=CreateSessionRequest(title="Cortex recordings (Python)")),
               HTTPStatus.CREATED, Session)
    check("create", s.session_title == "Cortex recordings (Python)" and not s.is_starred and s.attachments == [], s)

    page = parsed("list", list_sessions.sync_detailed(client=client), HTTPStatus.OK, SessionList)
    check("list", page.count >= 1 and any(item.session_id == s.session_id for item in page.items), page)

    # Optimistic concurrency: the ETag of a GET (Response.headers) goes back
    # in If-Match, so the PUT changes the session only while nobody else has.
    before = get_session.sync_detailed(s.session_id, client=client)
    expect("get before put", before, HTTPStatus.OK)
    etag = before.headers.get("ETag", "")
    check("get before put", etag != "", before.headers)
    s = parsed("put", update_session.sync_detailed(s.session_id, client=client, body=UpdateSessionRequest(starred=True, description="Two probes"),
                                                   if_match=etag),
               HTTPStatus.OK, Session)
    check("put", s.is_starred and s.starred_at is not None and s.session_description == "Two probes", s)
    # The same ETag again is stale now: 412, and nothing changes.
    expect("put with a stale If-Match", update_session.sync_detailed(s.session_id, client=client, body=UpdateSessionRequest(description="stale"),
                                                                      if_match=etag),
           HTTPStatus.PRECONDITION_FAILED)

    notes, spikes = b"hello, atlas\n", bytes([0, 1, 2, 253, 254, 255, 13, 10])
    body = UploadFilesBody(files=[
        File(payload=io.BytesIO(notes), file_name="notes.txt", mime_type="text/plain"),
        File(payload=io.BytesIO(spikes), file_name="spikes.bin", mime_type="application/octet-stream"),
    ])
    uploaded = parsed("upload", upload_files.sync_detailed(s.session_id, client=client, body=body), HTTPStatus.CREATED, AttachmentList)
    check("upload", uploaded.count == 2 and [a.attachment_name for a in uploaded.items] == ["notes.txt", "spikes.bin"], uploaded)

    s = parsed("get", get_session.sync_detailed(s.session_id, client=client), HTTPStatus.OK, Session)
    check("get", [(a.attachment_name, a.attachment_type) for a in s.attachments]
          == [("notes.txt", "text/plain"), ("spikes.bin", "application/octet-stream")], s.attachments)
    check("get (the PUT with a stale If-Match changed nothing)", s.session_description == "Two probes", s)
    bin_id = s.attachments[1].attachment_id

    content = parsed("download", get_attachment_content.sync_detailed(s.session_id, bin_id, client=client), HTTPStatus.OK, File)
    downloaded = content.payload.read()
    check("download", downloaded == spikes, downloaded)

    expect("delete attachment", remove_attachment.sync_detailed(s.session_id, bin_id, client=client), HTTPStatus.NO_CONTENT)
    s = parsed("get after delete attachment", get_session.sync_detailed(s.session_id, client=client), HTTPStatus.OK, Session)
    check("get after delete attachment", [a.attachment_name for a in s.attachments] == ["notes.txt"], s.attachments)

    expect("delete", delete_session.sync_detailed(s.session_id, client=client), HTTPStatus.NO_CONTENT)
    expect("get after delete", get_session.sync_detailed(s.session_id, client=client), HTTPStatus.NOT_FOUND)


def brainstem(base: str, token: str) -> None:
    client = BrainstemClient(base_url=base, token=token)

    project = parsed("create project", create_project.sync_detailed(client=client, body=ProjectCreate(name="Hippocampus (Python)", description="CA1 recordings")),
                     HTTPStatus.CREATED, ProjectDetail).project
    project_id = project.id

    # Two sessions that match the filter, created in the reverse of their
    # name order, and one that does not match.
    ids: dict[str, UUID] = {}
    for name in ["Rat01 day2", "Rat01 day1", "Mouse07 day1"]:
        created = parsed("create session", bs_create_session.sync_detailed(client=client, body=SessionCreate(
            name=name, projects=[project_id], tags=["ca1"], extra_fields=ExtraFields.from_dict({"depth_um": 1200, "probe": "A1"}))),
                         HTTPStatus.CREATED, SessionDetail).session
        check("create session", created.name == name, created)
        ids[name] = created.id

    page = parsed("list", bs_list_sessions.sync_detailed(client=client, filtername_icontains="rat", filterprojects=str(project_id), sort=["name"]),
                  HTTPStatus.OK, BSSessionList)
    check("list", page.count == 2 and [x.name for x in page.sessions] == ["Rat01 day1", "Rat01 day2"], page)

    patched = parsed("patch", bs_update_session.sync_detailed(ids["Rat01 day1"], client=client, body=SessionPatch(description="good theta")),
                     HTTPStatus.OK, SessionDetail).session
    check("patch", patched.description == "good theta" and patched.name == "Rat01 day1" and patched.tags == ["ca1"]
          and patched.projects == [project_id] and isinstance(patched.extra_fields, ExtraFields)
          and patched.extra_fields.to_dict() == {"depth_um": 1200, "probe": "A1"}, patched)

    for sid in ids.values():
        expect("delete session", bs_delete_session.sync_detailed(sid, client=client), HTTPStatus.NO_CONTENT)
    expect("get after delete", bs_get_session.sync_detailed(ids["Rat01 day1"], client=client), HTTPStatus.NOT_FOUND)
    expect("delete project", delete_project.sync_detailed(project_id, client=client), HTTPStatus.NO_CONTENT)


def main() -> int:
    base, token = os.environ.get("SESSIONHUB_URL", ""), os.environ.get("SESSIONHUB_TOKEN", "")
    if not base or not token:
        print("e2e.py: set SESSIONHUB_URL and SESSIONHUB_TOKEN", file=sys.stderr)
        return 2
    for name, step in [("atlas", atlas), ("brainstem", brainstem)]:
        try:
            step(base, token)
        except StepFailed as e:
            print(f"python {name}: {e}", file=sys.stderr)
            return 1
        print(f"python {name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
