package main

// The token subcommands and the serve flags of the token lifecycle and of
// the throttles (kept apart from main.go's other flags).

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/sessionhub/sessionhub/server"
	"github.com/sessionhub/sessionhub/server/auth"
	"github.com/sessionhub/sessionhub/store"
)

const tokenUsage = `usage:
  sessionhub token create --data DIR --email E [--name N] [--ttl 720h]
  sessionhub token list --data DIR --email E
  sessionhub token revoke --data DIR (--id N | --token shp_...)`

// tokenCmd runs `token create|list|revoke`. All of them work beside a
// running server; a revocation takes effect on its next request.
func tokenCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New(tokenUsage)
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := addDatabaseFlags(fs, getenv)
	var email, name, secret *string
	var ttl *time.Duration
	var id *uint64
	switch args[0] {
	case "create":
		email = fs.String("email", "", "email address of the token's owner")
		name = fs.String("name", "", `the token's name (default "cli <date>")`)
		ttl = fs.Duration("ttl", 0, "lifetime, e.g. 720h; 0 never expires")
	case "list":
		email = fs.String("email", "", "email address of the tokens' owner")
	case "revoke":
		id = fs.Uint64("id", 0, "id of the token (from token list)")
		secret = fs.String("token", "", "the token itself")
	default:
		return errors.New(tokenUsage)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("token %s: unexpected arguments %q", args[0], fs.Args())
	}
	if email != nil && *email == "" {
		return fmt.Errorf("token %s: --email is required", args[0])
	}
	if id != nil && (*id == 0) == (*secret == "") {
		return errors.New("token revoke: give exactly one of --id and --token")
	}
	if ttl != nil && *ttl < 0 {
		return errors.New("token create: --ttl must not be negative")
	}
	st, err := db.open()
	if err != nil {
		return err
	}
	defer st.Close()
	var u *store.User
	if email != nil {
		u, err = st.UserByEmail(ctx, *email)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("token %s: no user %s", args[0], store.NormalizeEmail(*email))
		}
		if err != nil {
			return err
		}
	}
	switch args[0] {
	case "create":
		n := *name
		if strings.TrimSpace(n) == "" {
			n = "cli " + time.Now().UTC().Format("2006-01-02 15:04")
		}
		tok, _, err := st.CreateNamedToken(ctx, store.NewToken{UserID: u.ID, Name: n, TTL: *ttl})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, tok)
		return nil
	case "list":
		return tokenList(ctx, st, u, stdout)
	}
	if *secret != "" {
		err = st.RevokeTokenSecret(ctx, strings.TrimSpace(*secret))
	} else {
		err = st.RevokeToken(ctx, 0, uint(*id))
	}
	if errors.Is(err, store.ErrNotFound) {
		return errors.New("token revoke: no such token")
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, "revoked")
	return nil
}

// tokenList prints the user's tokens as a table, without secrets.
func tokenList(ctx context.Context, st *store.Store, u *store.User, stdout io.Writer) error {
	rows, err := st.ListTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tPREFIX\tCREATED\tLAST USED\tEXPIRES")
	stamp := func(t *time.Time, none string) string {
		if t == nil {
			return none
		}
		return t.UTC().Format(time.RFC3339)
	}
	now := time.Now()
	for _, t := range rows {
		exp := stamp(t.ExpiresAt, "never")
		if t.Expired(now) {
			exp += " (expired)"
		}
		fmt.Fprintf(w, "%d\t%s\t%s…\t%s\t%s\t%s\n", t.ID, strconv.Quote(t.Name), t.Prefix,
			stamp(&t.CreatedAt, ""), stamp(t.LastUsedAt, "never"), exp)
	}
	return w.Flush()
}

// authFlags declares serve's --token-ttl and --throttle-* flags; the
// returned function, called after parsing, puts them into cfg.
func authFlags(fs *flag.FlagSet, getenv func(string) string) func(cfg *server.Config) error {
	ttl := fs.String("token-ttl", envOr(getenv, "SESSIONHUB_TOKEN_TTL", "0"),
		"lifetime of tokens minted by logins (/api/token/, device login) and default expiry of tokens made on the tokens page or API, e.g. 720h; 0 never expires (env SESSIONHUB_TOKEN_TTL)")
	limit := func(name, env string, def auth.Limit, what string) *string {
		return fs.String(name, envOr(getenv, env, formatLimit(def)),
			what+` as BURST/INTERVAL: BURST at once, then one per INTERVAL (e.g. 10/6s); "off" for none (env `+env+`)`)
	}
	d := auth.DefaultThrottle
	loginAddr := limit("throttle-login-addr", "SESSIONHUB_THROTTLE_LOGIN_ADDR", d.LoginPerAddr, "failed password attempts per client address")
	loginAccount := limit("throttle-login-account", "SESSIONHUB_THROTTLE_LOGIN_ACCOUNT", d.LoginPerAccount, "failed password attempts per account")
	deviceAddr := limit("throttle-device-addr", "SESSIONHUB_THROTTLE_DEVICE_ADDR", d.DevicePerAddr, "device-login starts per client address")
	return func(cfg *server.Config) error {
		t, err := time.ParseDuration(*ttl)
		if err != nil || t < 0 {
			return fmt.Errorf("--token-ttl %q: want a duration such as 720h, or 0", *ttl)
		}
		cfg.TokenTTL = t
		for _, f := range []struct {
			name string
			v    *string
			dst  *auth.Limit
		}{
			{"throttle-login-addr", loginAddr, &cfg.Throttle.LoginPerAddr},
			{"throttle-login-account", loginAccount, &cfg.Throttle.LoginPerAccount},
			{"throttle-device-addr", deviceAddr, &cfg.Throttle.DevicePerAddr},
		} {
			if *f.dst, err = parseLimit(*f.v); err != nil {
				return fmt.Errorf("--%s %q: %w", f.name, *f.v, err)
			}
		}
		th := cfg.Throttle
		cfg.Throttle.Off = th.LoginPerAddr == (auth.Limit{}) && th.LoginPerAccount == (auth.Limit{}) && th.DevicePerAddr == (auth.Limit{})
		return nil
	}
}

func formatLimit(l auth.Limit) string {
	if l.Burst <= 0 || l.Every <= 0 {
		return "off"
	}
	return strconv.Itoa(l.Burst) + "/" + l.Every.String()
}

// parseLimit reads BURST/INTERVAL ("10/6s") or "off".
func parseLimit(s string) (auth.Limit, error) {
	if s == "off" || s == "0" {
		return auth.Limit{}, nil
	}
	b, e, ok := strings.Cut(s, "/")
	burst, err := strconv.Atoi(b)
	if !ok || err != nil || burst < 1 {
		return auth.Limit{}, errors.New(`want BURST/INTERVAL such as 10/6s, or "off"`)
	}
	every, err := time.ParseDuration(e)
	if err != nil || every <= 0 {
		return auth.Limit{}, errors.New(`want BURST/INTERVAL such as 10/6s, or "off"`)
	}
	return auth.Limit{Every: every, Burst: burst}, nil
}
