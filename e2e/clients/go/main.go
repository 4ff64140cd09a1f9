// Command e2e-go drives a running sessionhub through the Go clients that
// oapi-codegen generates from openapi/atlas.yaml and openapi/brainstem.yaml
// (into gen/, at test time, by ../run.sh). It exits non-zero on the first
// step whose status or content is not what the spec promises.
//
// Environment: SESSIONHUB_URL (e.g. http://127.0.0.1:8080) and SESSIONHUB_TOKEN.
package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
)

func main() {
	base, token := os.Getenv("SESSIONHUB_URL"), os.Getenv("SESSIONHUB_TOKEN")
	if base == "" || token == "" {
		fmt.Fprintln(os.Stderr, "e2e-go: set SESSIONHUB_URL and SESSIONHUB_TOKEN")
		os.Exit(2)
	}
	ctx := context.Background()
	for _, step := range []struct {
		name string
		run  func(context.Context, string, string) error
	}{{"atlas", atlas}, {"brainstem", brainstem}} {
		if err := step.run(ctx, base, token); err != nil {
			fmt.Fprintf(os.Stderr, "e2e-go %s: %v\n", step.name, err)
			os.Exit(1)
		}
		fmt.Printf("go %s: ok\n", step.name)
	}
}

// bearer adds the token to every request a generated client sends.
func bearer(token string) func(context.Context, *http.Request) error {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+token)
		return nil
	}
}

// expect fails when the response's status is not want, quoting the body.
func expect(step string, got int, body []byte, want int) error {
	if got != want {
		return fmt.Errorf("%s: status %d, want %d: %s", step, got, want, body)
	}
	return nil
}
