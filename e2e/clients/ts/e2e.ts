// Drives a running sessionhub through the TypeScript clients generated from
// openapi/atlas.yaml and openapi/brainstem.yaml (openapi-typescript types
// in gen/, made at test time by generate.mjs, used through openapi-fetch).
// Exits non-zero on the first step whose status or content is not what the
// spec promises. Environment: SESSIONHUB_URL and SESSIONHUB_TOKEN.
import createClient from "openapi-fetch";
import type { paths as AtlasPaths } from "./gen/atlas.js";
import type { paths as BrainstemPaths } from "./gen/brainstem.js";

class StepFailed extends Error {}

function expect(step: string, response: Response, status: number): void {
  if (response.status !== status) {
    throw new StepFailed(`${step}: status ${response.status}, want ${status}`);
  }
}

function check(step: string, ok: boolean, what: unknown): void {
  if (!ok) {
    throw new StepFailed(`${step}: unexpected ${JSON.stringify(what)}`);
  }
}

// must returns the body of a 2xx answer, failing the step on any other.
function must<T>(step: string, r: { data?: T; error?: unknown; response: Response }, status: number): T {
  if (r.response.status !== status || r.data === undefined) {
    throw new StepFailed(`${step}: status ${r.response.status}, want ${status}: ${JSON.stringify(r.error)}`);
  }
  return r.data;
}

async function atlas(baseUrl: string, token: string): Promise<void> {
  const client = createClient<AtlasPaths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

  let s = must("create", await client.POST("/sessions", { body: { title: "Cortex recordings (TS)" } }), 201);
  check("create", s.session_title === "Cortex recordings (TS)" && !s.is_starred && s.attachments.length === 0, s);
  const path = { session_id: s.session_id };

  const page = must("list", await client.GET("/sessions", { params: { query: { limit: 50 } } }), 200);
  check("list", page.count >= 1 && page.items.some((item) => item.session_id === s.session_id), page);

  // Optimistic concurrency: the ETag of a GET (response.headers) goes back
  // in If-Match, so the PUT changes the session only while nobody else has.
  const before = await client.GET("/sessions/{session_id}", { params: { path } });
  must("get before put", before, 200);
  const etag = before.response.headers.get("ETag") ?? "";
  check("get before put", etag !== "", Object.fromEntries(before.response.headers));
  s = must("put", await client.PUT("/sessions/{session_id}", {
    params: { path, header: { "If-Match": etag } },
    body: { starred: true, description: "Two probes" },
  }), 200);
  check("put", s.is_starred && s.starred_at !== null && s.session_description === "Two probes", s);
  // The same ETag again is stale now: 412, and nothing changes.
  const stale = await client.PUT("/sessions/{session_id}", {
    params: { path, header: { "If-Match": etag } },
    body: { description: "stale" },
  });
  expect("put with a stale If-Match", stale.response, 412);

  // Two files in one multipart request: the generated types say Blob[], and
  // the bodySerializer turns them into FormData (fetch sets the boundary).
  const notes = new TextEncoder().encode("hello, atlas\n");
  const spikes = new Uint8Array([0, 1, 2, 253, 254, 255, 13, 10]);
  const uploaded = must("upload", await client.POST("/sessions/{session_id}/upload-files", {
    params: { path },
    body: {
      files: [
        new File([notes], "notes.txt", { type: "text/plain" }),
        new File([spikes], "spikes.bin", { type: "application/octet-stream" }),
      ],
    },
    bodySerializer(body) {
      const form = new FormData();
      for (const file of body.files) {
        form.append("files", file);
      }
      return form;
    },
  }), 201);
  check("upload", uploaded.count === 2 && uploaded.items.map((a) => a.attachment_name).join() === "notes.txt,spikes.bin", uploaded);

  s = must("get", await client.GET("/sessions/{session_id}", { params: { path } }), 200);
  check("get", s.attachments.map((a) => `${a.attachment_name}:${a.attachment_type}`).join()
    === "notes.txt:text/plain,spikes.bin:application/octet-stream", s.attachments);
  check("get (the PUT with a stale If-Match changed nothing)", s.session_description === "Two probes", s);
  const bin = s.attachments[1];
  if (bin === undefined) throw new StepFailed("get: no second attachment");

  const content = await client.GET("/sessions/{session_id}/attachments/{attachment_id}/content", {
    params: { path: { ...path, attachment_id: bin.attachment_id } },
    parseAs: "arrayBuffer",
  });
  const bytes = new Uint8Array(must("download", content, 200));
  check("download", Buffer.from(bytes).equals(Buffer.from(spikes)), Array.from(bytes));

  const removed = await client.DELETE("/sessions/{session_id}/attachments/{attachment_id}", {
    params: { path: { ...path, attachment_id: bin.attachment_id } },
  });
  expect("delete attachment", removed.response, 204);
  s = must("get after delete attachment", await client.GET("/sessions/{session_id}", { params: { path } }), 200);
  check("get after delete attachment", s.attachments.map((a) => a.attachment_name).join() === "notes.txt", s.attachments);

  expect("delete", (await client.DELETE("/sessions/{session_id}", { params: { path } })).response, 204);
  expect("get after delete", (await client.GET("/sessions/{session_id}", { params: { path } })).response, 404);
}

async function brainstem(baseUrl: string, token: string): Promise<void> {
  const client = createClient<BrainstemPaths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });

  const project = must("create project", await client.POST("/api/private/stem/project/", {
    body: { name: "Hippocampus (TS)", description: "CA1 recordings" },
  }), 201).project;
  const projectId = project.id;

  // Two sessions that match the filter, created in the reverse of their
  // name order, and one that does not match.
  const ids = new Map<string, string>();
  for (const name of ["Rat01 day2", "Rat01 day1", "Mouse07 day1"]) {
    const created = must("create session", await client.POST("/api/private/stem/session/", {
      body: { name, projects: [projectId], tags: ["ca1"], extra_fields: { depth_um: 1200, probe: "A1" } },
    }), 201).session;
    check("create session", created.name === name, created);
    ids.set(name, created.id);
  }

  const page = must("list", await client.GET("/api/private/stem/session/", {
    params: { query: { "filter{name.icontains}": "rat", "filter{projects}": projectId, "sort[]": ["name"] } },
  }), 200);
  check("list", page.count === 2 && page.sessions.map((x) => x.name).join() === "Rat01 day1,Rat01 day2", page);

  const id = ids.get("Rat01 day1") ?? "";
  const patched = must("patch", await client.PATCH("/api/private/stem/session/{id}/", {
    params: { path: { id } },
    body: { description: "good theta" },
  }), 200).session;
  check("patch", patched.description === "good theta" && patched.name === "Rat01 day1"
    && patched.tags.join() === "ca1" && patched.projects.length === 1 && patched.projects[0] === projectId
    && patched.extra_fields["depth_um"] === 1200 && patched.extra_fields["probe"] === "A1", patched);

  for (const sid of ids.values()) {
    expect("delete session", (await client.DELETE("/api/private/stem/session/{id}/", { params: { path: { id: sid } } })).response, 204);
  }
  expect("get after delete", (await client.GET("/api/private/stem/session/{id}/", { params: { path: { id } } })).response, 404);
  expect("delete project", (await client.DELETE("/api/private/stem/project/{id}/", { params: { path: { id: projectId } } })).response, 204);
}

async function main(): Promise<number> {
  const baseUrl = process.env["SESSIONHUB_URL"] ?? "";
  const token = process.env["SESSIONHUB_TOKEN"] ?? "";
  if (baseUrl === "" || token === "") {
    console.error("e2e.ts: set SESSIONHUB_URL and SESSIONHUB_TOKEN");
    return 2;
  }
  for (const [name, step] of [["atlas", atlas], ["brainstem", brainstem]] as const) {
    try {
      await step(baseUrl, token);
    } catch (e) {
      console.error(`ts ${name}: ${e instanceof Error ? e.message : String(e)}`);
      return 1;
    }
    console.log(`ts ${name}: ok`);
  }
  return 0;
}

process.exitCode = await main();
