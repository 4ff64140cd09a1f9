package org.sessionhub.e2e;

import java.io.File;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

import org.sessionhub.e2e.atlas.api.AttachmentsApi;
import org.sessionhub.e2e.atlas.api.SessionsApi;
import org.sessionhub.e2e.atlas.model.Attachment;
import org.sessionhub.e2e.atlas.model.AttachmentList;
import org.sessionhub.e2e.atlas.model.CreateSessionRequest;
import org.sessionhub.e2e.atlas.model.Session;
import org.sessionhub.e2e.atlas.model.SessionList;
import org.sessionhub.e2e.atlas.model.UpdateSessionRequest;
import org.sessionhub.e2e.brainstem.api.ProjectApi;
import org.sessionhub.e2e.brainstem.api.SessionApi;
import org.sessionhub.e2e.brainstem.model.ExtraFieldsValue;
import org.sessionhub.e2e.brainstem.model.ProjectCreate;
import org.sessionhub.e2e.brainstem.model.ProjectDetail;
import org.sessionhub.e2e.brainstem.model.SessionCreate;
import org.sessionhub.e2e.brainstem.model.SessionDetail;
import org.sessionhub.e2e.brainstem.model.SessionPatch;

/**
 * Drives a running sessionhub through the Java clients that openapi-generator
 * (java, native) generates from openapi/atlas.yaml and openapi/brainstem.yaml
 * into target/generated/ at test time. Exits non-zero on the first step whose
 * status or content is not what the spec promises. Environment:
 * SESSIONHUB_URL and SESSIONHUB_TOKEN.
 */
public final class E2E {
  static final class StepFailed extends Exception {
    StepFailed(String message) {
      super(message);
    }
  }

  /** A client call that returns the generated ApiResponse. */
  interface Call<T> {
    T run() throws Exception;
  }

  static void expect(String step, int got, int want) throws StepFailed {
    if (got != want) {
      throw new StepFailed(step + ": status " + got + ", want " + want);
    }
  }

  static void check(String step, boolean ok, Object what) throws StepFailed {
    if (!ok) {
      throw new StepFailed(step + ": unexpected " + what);
    }
  }

  static void atlas(String base, String token) throws Exception {
    var client = new org.sessionhub.e2e.atlas.client.ApiClient();
    client.updateBaseUri(base);
    client.setRequestInterceptor(bearer(token));
    var sessions = new SessionsApi(client);
    var attachments = new AttachmentsApi(client);

    var created = sessions.createSessionWithHttpInfo(new CreateSessionRequest().title("Cortex recordings (Java)"));
    expect("create", created.getStatusCode(), 201);
    Session s = created.getData();
    check("create", "Cortex recordings (Java)".equals(s.getSessionTitle()) && !s.getIsStarred() && s.getAttachments().isEmpty(), s);
    UUID id = s.getSessionId();

    var list = sessions.listSessionsWithHttpInfo(50, 0);
    expect("list", list.getStatusCode(), 200);
    SessionList page = list.getData();
    check("list", page.getCount() >= 1 && page.getItems().stream().anyMatch(x -> x.getSessionId().equals(id)), page);

    // Optimistic concurrency: the ETag of a GET (ApiResponse.getHeaders())
    // goes back in If-Match, so the PUT changes the session only while nobody
    // else has.
    var before = sessions.getSessionWithHttpInfo(id);
    expect("get before put", before.getStatusCode(), 200);
    // (java.net.http's header map ignores the case of names)
    String etag = before.getHeaders().getOrDefault("ETag", List.of("")).get(0);
    check("get before put", !etag.isEmpty(), before.getHeaders());
    var put = sessions.updateSessionWithHttpInfo(id, new UpdateSessionRequest().starred(true).description("Two probes"), etag);
    expect("put", put.getStatusCode(), 200);
    s = put.getData();
    check("put", s.getIsStarred() && s.getStarredAt() != null && "Two probes".equals(s.getSessionDescription()), s);
    // The same ETag again is stale now: 412, and nothing changes.
    expect("put with a stale If-Match",
        statusOf(() -> sessions.updateSessionWithHttpInfo(id, new UpdateSessionRequest().description("stale"), etag).getStatusCode()), 412);

    // Two files in one multipart request: the generated uploadFiles takes a List<File>.
    byte[] notes = "hello, atlas\n".getBytes(StandardCharsets.UTF_8);
    byte[] spikes = {0, 1, 2, (byte) 253, (byte) 254, (byte) 255, '\r', '\n'};
    Path dir = Files.createTempDirectory("e2e-java");
    File notesFile = Files.write(dir.resolve("notes.txt"), notes).toFile();
    File spikesFile = Files.write(dir.resolve("spikes.bin"), spikes).toFile();
    var up = attachments.uploadFilesWithHttpInfo(id, List.of(notesFile, spikesFile));
    expect("upload", up.getStatusCode(), 201);
    AttachmentList uploaded = up.getData();
    check("upload", uploaded.getCount() == 2
        && uploaded.getItems().stream().map(Attachment::getAttachmentName).toList().equals(List.of("notes.txt", "spikes.bin")), uploaded);

    var got = sessions.getSessionWithHttpInfo(id);
    expect("get", got.getStatusCode(), 200);
    s = got.getData();
    check("get", s.getAttachments().stream().map(Attachment::getAttachmentName).toList().equals(List.of("notes.txt", "spikes.bin")), s.getAttachments());
    check("get (the PUT with a stale If-Match changed nothing)", "Two probes".equals(s.getSessionDescription()), s);
    UUID bin = s.getAttachments().get(1).getAttachmentId();

    var content = attachments.getAttachmentContentWithHttpInfo(id, bin, null, null, null);
    expect("download", content.getStatusCode(), 200);
    byte[] downloaded = Files.readAllBytes(content.getData().toPath());
    check("download", Arrays.equals(downloaded, spikes), Arrays.toString(downloaded));

    expect("delete attachment", attachments.removeAttachmentWithHttpInfo(id, bin, null).getStatusCode(), 204);
    s = sessions.getSession(id);
    check("get after delete attachment", s.getAttachments().stream().map(Attachment::getAttachmentName).toList().equals(List.of("notes.txt")), s.getAttachments());

    expect("delete", sessions.deleteSessionWithHttpInfo(id, null).getStatusCode(), 204);
    expect("get after delete", statusOf(() -> sessions.getSessionWithHttpInfo(id).getStatusCode()), 404);
  }

  static void brainstem(String base, String token) throws Exception {
    var client = new org.sessionhub.e2e.brainstem.client.ApiClient();
    client.updateBaseUri(base);
    client.setRequestInterceptor(bearer(token));
    var projects = new ProjectApi(client);
    var sessions = new SessionApi(client);

    var proj = projects.createProjectWithHttpInfo(new ProjectCreate().name("Hippocampus (Java)").description("CA1 recordings"));
    expect("create project", proj.getStatusCode(), 201);
    ProjectDetail project = proj.getData();
    UUID projectId = Objects.requireNonNull(project.getProject().getId(), "project id");

    // Two sessions that match the filter, created in the reverse of their
    // name order, and one that does not match.
    Map<String, UUID> ids = new LinkedHashMap<>();
    for (String name : List.of("Rat01 day2", "Rat01 day1", "Mouse07 day1")) {
      var created = sessions.createSessionWithHttpInfo(new SessionCreate().name(name).projects(List.of(projectId)).tags(List.of("ca1"))
          .putExtraFieldsItem("depth_um", new ExtraFieldsValue(new BigDecimal(1200))).putExtraFieldsItem("probe", new ExtraFieldsValue("A1")));
      expect("create session", created.getStatusCode(), 201);
      SessionDetail detail = created.getData();
      check("create session", name.equals(detail.getSession().getName()), detail);
      ids.put(name, detail.getSession().getId());
    }

    var list = sessions.listSessionsWithHttpInfo(null, null, List.of("name"), null, null, null, null, "rat", projectId.toString(), null, null);
    expect("list", list.getStatusCode(), 200);
    var page = list.getData();
    check("list", page.getCount() == 2
        && page.getSessions().stream().map(x -> x.getName()).toList().equals(List.of("Rat01 day1", "Rat01 day2")), page);

    UUID id = ids.get("Rat01 day1");
    var patched = sessions.updateSessionWithHttpInfo(id, new SessionPatch().description("good theta"), null);
    expect("patch", patched.getStatusCode(), 200);
    var ps = patched.getData().getSession();
    check("patch", "good theta".equals(ps.getDescription()) && "Rat01 day1".equals(ps.getName())
        && List.of("ca1").equals(ps.getTags()) && ps.getProjects().size() == 1
        && projectId.equals(ps.getProjects().get(0).getUUID())
        && ps.getExtraFields().get("depth_um").getBigDecimal().intValue() == 1200
        && "A1".equals(ps.getExtraFields().get("probe").getString()), ps);

    for (UUID sid : ids.values()) {
      expect("delete session", sessions.deleteSessionWithHttpInfo(sid, null).getStatusCode(), 204);
    }
    expect("get after delete", statusOf(() -> sessions.getSessionWithHttpInfo(id, null, null, null, null).getStatusCode()), 404);
    expect("delete project", projects.deleteProjectWithHttpInfo(projectId, null).getStatusCode(), 204);
  }

  static Consumer<java.net.http.HttpRequest.Builder> bearer(String token) {
    return b -> b.header("Authorization", "Bearer " + token);
  }

  /** The status of a call, also when the generated client throws for it (any non-2xx). */
  static int statusOf(Call<Integer> call) throws Exception {
    try {
      return call.run();
    } catch (org.sessionhub.e2e.atlas.client.ApiException e) {
      return e.getCode();
    } catch (org.sessionhub.e2e.brainstem.client.ApiException e) {
      return e.getCode();
    }
  }

  public static void main(String[] args) throws Exception {
    String base = System.getenv().getOrDefault("SESSIONHUB_URL", "");
    String token = System.getenv().getOrDefault("SESSIONHUB_TOKEN", "");
    if (base.isEmpty() || token.isEmpty()) {
      System.err.println("E2E: set SESSIONHUB_URL and SESSIONHUB_TOKEN");
      System.exit(2);
    }
    try {
      atlas(base, token);
      System.out.println("java atlas: ok");
      brainstem(base, token);
      System.out.println("java brainstem: ok");
    } catch (StepFailed e) {
      System.err.println("java: " + e.getMessage());
      System.exit(1);
    } catch (org.sessionhub.e2e.atlas.client.ApiException e) {
      System.err.println("java atlas: status " + e.getCode() + ": " + (e.getCode() == 0 ? e.getMessage() : e.getResponseBody()));
      System.exit(1);
    } catch (org.sessionhub.e2e.brainstem.client.ApiException e) {
      System.err.println("java brainstem: status " + e.getCode() + ": " + (e.getCode() == 0 ? e.getMessage() : e.getResponseBody()));
      System.exit(1);
    }
  }
}
