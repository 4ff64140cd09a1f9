package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/sessionhub/sessionhub/e2e/clients/go/gen/brainstemclient"
)

func brainstem(ctx context.Context, base, token string) error {
	c, err := brainstemclient.NewClientWithResponses(base, brainstemclient.WithRequestEditorFn(bearer(token)))
	if err != nil {
		return err
	}

	desc := "CA1 recordings"
	proj, err := c.CreateProjectWithResponse(ctx, brainstemclient.ProjectCreate{Name: "Hippocampus (Go)", Description: &desc})
	if err != nil {
		return err
	}
	if err := expect("create project", proj.StatusCode(), proj.Body, http.StatusCreated); err != nil {
		return err
	}
	projectID := *proj.JSON201.Project.Id

	// Two sessions that match the filter, created in the reverse of their
	// name order, and one that does not match.
	ids := map[string]brainstemclient.Uuid{}
	for _, name := range []string{"Rat01 day2", "Rat01 day1", "Mouse07 day1"} {
		tags := brainstemclient.Tags{"ca1"}
		extra := brainstemclient.ExtraFields{"depth_um": 1200, "probe": "A1"}
		s, err := c.CreateSessionWithResponse(ctx, brainstemclient.SessionCreate{
			Name: name, Projects: []brainstemclient.Uuid{projectID}, Tags: &tags, ExtraFields: &extra,
		})
		if err != nil {
			return err
		}
		if err := expect("create session", s.StatusCode(), s.Body, http.StatusCreated); err != nil {
			return err
		}
		if s.JSON201.Session.Name != name {
			return fmt.Errorf("create session: got %s", s.Body)
		}
		ids[name] = *s.JSON201.Session.Id
	}

	rat, project := "rat", projectID.String()
	list, err := c.ListSessionsWithResponse(ctx, &brainstemclient.ListSessionsParams{
		FilterNameIcontains: &rat,
		FilterProjects:      &project,
		Sort:                &brainstemclient.Sort{"name"},
	})
	if err != nil {
		return err
	}
	if err := expect("list", list.StatusCode(), list.Body, http.StatusOK); err != nil {
		return err
	}
	if l := list.JSON200; l.Count != 2 || len(l.Sessions) != 2 ||
		l.Sessions[0].Name != "Rat01 day1" || l.Sessions[1].Name != "Rat01 day2" {
		return fmt.Errorf("list: got %s", list.Body)
	}

	id := ids["Rat01 day1"]
	newDesc := "good theta"
	patched, err := c.UpdateSessionWithResponse(ctx, id, nil, brainstemclient.SessionPatch{Description: &newDesc})
	if err != nil {
		return err
	}
	if err := expect("patch", patched.StatusCode(), patched.Body, http.StatusOK); err != nil {
		return err
	}
	if s := patched.JSON200.Session; s.Description != newDesc || s.Name != "Rat01 day1" ||
		len(s.Tags) != 1 || len(s.Projects) != 1 ||
		s.ExtraFields["depth_um"] != 1200.0 || s.ExtraFields["probe"] != "A1" {
		return fmt.Errorf("patch: other fields changed or description not set: %s", patched.Body)
	}
	if p, err := patched.JSON200.Session.Projects[0].AsUuid(); err != nil || p != projectID {
		return fmt.Errorf("patch: projects %s, want [%s]", patched.Body, projectID)
	}

	for _, name := range []string{"Rat01 day1", "Rat01 day2", "Mouse07 day1"} {
		del, err := c.DeleteSessionWithResponse(ctx, ids[name], nil)
		if err != nil {
			return err
		}
		if err := expect("delete session", del.StatusCode(), del.Body, http.StatusNoContent); err != nil {
			return err
		}
	}
	gone, err := c.GetSessionWithResponse(ctx, id, nil)
	if err != nil {
		return err
	}
	if err := expect("get after delete", gone.StatusCode(), gone.Body, http.StatusNotFound); err != nil {
		return err
	}
	delProj, err := c.DeleteProjectWithResponse(ctx, projectID, nil)
	if err != nil {
		return err
	}
	return expect("delete project", delProj.StatusCode(), delProj.Body, http.StatusNoContent)
}
