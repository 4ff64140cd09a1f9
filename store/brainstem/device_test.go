package brainstem

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionhub/sessionhub/store"
)

func deviceStore(t *testing.T) (*Store, *store.User) {
	t.Helper()
	s, err := openStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.core.Close() })
	u, err := s.core.CreateUser(context.Background(), "dev@example.org", "")
	if err != nil {
		t.Fatal(err)
	}
	return s, u
}

func poll(t *testing.T, s *Store, code string) (string, string) {
	t.Helper()
	st, tok, err := s.PollDeviceAuth(context.Background(), code, store.NewToken{})
	if err != nil {
		t.Fatalf("poll: %v", err)
	}
	return st, tok
}

func TestDeviceAuthStart(t *testing.T) {
	t.Parallel()
	s, _ := deviceStore(t)
	ctx := context.Background()
	before := time.Now()
	d, err := s.StartDeviceAuth(ctx, "brainstem-python", 0)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[BCDFGHJKMNPQRSTVWXZ]{4}-[2-9]{4}$`).MatchString(d.UserCode) {
		t.Errorf("user code %q", d.UserCode)
	}
	if len(d.DeviceCode) < 40 {
		t.Errorf("device code %q too short", d.DeviceCode)
	}
	if _, ok := parseUUID(d.SessionID); !ok {
		t.Errorf("session id %q", d.SessionID)
	}
	if exp := d.ExpiresAt.Sub(before); exp < DefaultDeviceTTL-time.Second || exp > DefaultDeviceTTL+time.Minute {
		t.Errorf("expires in %v", exp)
	}
	var row DeviceAuth
	if err := s.core.R.Where("session_id = ?", d.SessionID).Take(&row).Error; err != nil {
		t.Fatal(err)
	}
	if row.DeviceCodeHash == d.DeviceCode || strings.Contains(row.DeviceCodeHash, d.DeviceCode) {
		t.Error("device code stored in clear")
	}
	if row.ClientName != "brainstem-python" || row.Status != DevicePending {
		t.Errorf("row %+v", row)
	}
	d2, err := s.StartDeviceAuth(ctx, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if d2.UserCode == d.UserCode || d2.DeviceCode == d.DeviceCode || d2.SessionID == d.SessionID {
		t.Error("two requests share a code")
	}
	info, err := s.LookupDeviceAuth(ctx, strings.ToLower(strings.ReplaceAll(d.UserCode, "-", "")))
	if err != nil {
		t.Fatal(err)
	}
	if info.SessionID != d.SessionID || info.UserCode != d.UserCode || info.Expired || info.Status != DevicePending {
		t.Errorf("lookup %+v", info)
	}
	if _, err := s.LookupDeviceAuth(ctx, "NOPE-2345"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("lookup unknown: %v", err)
	}
}

func TestDeviceAuthFlow(t *testing.T) {
	t.Parallel()
	s, u := deviceStore(t)
	ctx := context.Background()

	if st, _ := poll(t, s, "nope"); st != DevicePollInvalidGrant {
		t.Errorf("unknown code: %s", st)
	}
	if st, _ := poll(t, s, ""); st != DevicePollInvalidGrant {
		t.Errorf("empty code: %s", st)
	}

	// Approve by user code, typed in lower case without the dash.
	d, err := s.StartDeviceAuth(ctx, "cli", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if st, tok := poll(t, s, d.DeviceCode); st != DevicePollPending || tok != "" {
		t.Errorf("pending: %s %q", st, tok)
	}
	if err := s.DecideDeviceAuth(ctx, " "+strings.ToLower(strings.ReplaceAll(d.UserCode, "-", ""))+" ", u.ID, true); err != nil {
		t.Fatal(err)
	}
	st, tok := poll(t, s, d.DeviceCode)
	if st != DevicePollSuccess || !strings.HasPrefix(tok, store.TokenPrefix) {
		t.Fatalf("approved: %s %q", st, tok)
	}
	got, err := s.core.UserByToken(ctx, tok)
	if err != nil || got.ID != u.ID {
		t.Fatalf("token user %v %v", got, err)
	}
	if st, tok := poll(t, s, d.DeviceCode); st != DevicePollAlreadyUsed || tok != "" {
		t.Errorf("second poll: %s %q", st, tok)
	}
	if err := s.DecideDeviceAuth(ctx, d.SessionID, u.ID, false); !errors.Is(err, store.ErrConflict) {
		t.Errorf("decide a used request: %v", err)
	}

	// Deny by session id.
	d2, err := s.StartDeviceAuth(ctx, "cli", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DecideDeviceAuth(ctx, strings.ToUpper(d2.SessionID), u.ID, false); err != nil {
		t.Fatal(err)
	}
	if st, tok := poll(t, s, d2.DeviceCode); st != DevicePollDenied || tok != "" {
		t.Errorf("denied: %s %q", st, tok)
	}
	if err := s.DecideDeviceAuth(ctx, d2.UserCode, u.ID, true); !errors.Is(err, store.ErrConflict) {
		t.Errorf("approve after deny: %v", err)
	}
	for _, code := range []string{"", "ZZZZ-9999", "b0000000-0000-4000-8000-000000000001"} {
		if err := s.DecideDeviceAuth(ctx, code, u.ID, true); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("decide %q: %v", code, err)
		}
	}
}

func TestDeviceAuthExpiry(t *testing.T) {
	t.Parallel()
	s, u := deviceStore(t)
	ctx := context.Background()

	pending, err := s.StartDeviceAuth(ctx, "", 30*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	// Approved while valid, then expired: its expiry is moved into the
	// past (a short TTL could run out before the approval on a busy machine).
	approved, err := s.StartDeviceAuth(ctx, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DecideDeviceAuth(ctx, approved.UserCode, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.core.W.Model(&DeviceAuth{}).Where("session_id = ?", approved.SessionID).
		Update("expires_at", time.Now().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	if st, _ := poll(t, s, pending.DeviceCode); st != DevicePollExpired {
		t.Errorf("expired pending: %s", st)
	}
	if st, tok := poll(t, s, approved.DeviceCode); st != DevicePollExpired || tok != "" {
		t.Errorf("expired approved: %s %q", st, tok)
	}
	if err := s.DecideDeviceAuth(ctx, pending.SessionID, u.ID, true); !errors.Is(err, store.ErrConflict) {
		t.Errorf("approve expired: %v", err)
	}
	info, err := s.LookupDeviceAuth(ctx, pending.SessionID)
	if err != nil || !info.Expired {
		t.Errorf("lookup expired: %+v %v", info, err)
	}
}

func TestDeviceAuthConcurrentPolls(t *testing.T) {
	t.Parallel()
	s, u := deviceStore(t)
	ctx := context.Background()
	d, err := s.StartDeviceAuth(ctx, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DecideDeviceAuth(ctx, d.SessionID, u.ID, true); err != nil {
		t.Fatal(err)
	}
	const n = 8
	var wg sync.WaitGroup
	results := make([]string, n)
	tokens := make([]string, n)
	for i := range n {
		wg.Go(func() {
			st, tok, err := s.PollDeviceAuth(ctx, d.DeviceCode, store.NewToken{})
			if err != nil {
				t.Error(err)
			}
			results[i], tokens[i] = st, tok
		})
	}
	wg.Wait()
	success := 0
	for i, st := range results {
		switch st {
		case DevicePollSuccess:
			success++
			if tokens[i] == "" {
				t.Error("success without token")
			}
		case DevicePollAlreadyUsed:
			if tokens[i] != "" {
				t.Error("already_used with a token")
			}
		default:
			t.Errorf("poll %d: %s", i, st)
		}
	}
	if success != 1 {
		t.Errorf("%d polls got a token, want exactly 1: %v", success, results)
	}
	var count int64
	if err := s.core.R.Model(&store.Token{}).Where("user_id = ?", u.ID).Count(&count).Error; err != nil || count != 1 {
		t.Errorf("tokens in the database: %d %v", count, err)
	}
}

func TestDeviceAuthApproverDeleted(t *testing.T) {
	t.Parallel()
	s, u := deviceStore(t)
	ctx := context.Background()
	d, err := s.StartDeviceAuth(ctx, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.DecideDeviceAuth(ctx, d.SessionID, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if err := s.core.W.Delete(&store.User{}, u.ID).Error; err != nil {
		t.Fatal(err)
	}
	if st, tok := poll(t, s, d.DeviceCode); st != DevicePollDenied || tok != "" {
		t.Errorf("approver deleted: %s %q", st, tok)
	}
}

func TestDeviceAuthExpiredRowsDeleted(t *testing.T) {
	t.Parallel()
	s, _ := deviceStore(t)
	ctx := context.Background()
	old, err := s.StartDeviceAuth(ctx, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// Make it expired longer ago than the grace.
	if err := s.core.W.Model(&DeviceAuth{}).Where("session_id = ?", old.SessionID).
		Update("expires_at", time.Now().Add(-deviceExpiredGrace-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	recent, err := s.StartDeviceAuth(ctx, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.core.W.Model(&DeviceAuth{}).Where("session_id = ?", recent.SessionID).
		Update("expires_at", time.Now().Add(-time.Second)).Error; err != nil {
		t.Fatal(err)
	}
	if _, err := s.StartDeviceAuth(ctx, "", time.Minute); err != nil {
		t.Fatal(err)
	}
	if _, err := s.LookupDeviceAuth(ctx, old.SessionID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a long-expired request survived a creation: %v", err)
	}
	if st, _ := poll(t, s, recent.DeviceCode); st != DevicePollExpired {
		t.Errorf("a just-expired request polls %s, want %s", st, DevicePollExpired)
	}
}
