package server

import (
	"bytes"
	"context"
	"log/slog"
	"math/rand/v2"
	"regexp"
	"testing"
	"time"
)

// The request line handler writes what slog's JSON handler writes, for
// records of every shape: the request lines' attributes with any text,
// other kinds of values, groups, levels and times in other zones.
func TestRequestLineHandlerWritesWhatSlogWrites(t *testing.T) {
	t.Parallel()
	const alphabet = "a/?=&%\"\\\n\t\b\f\x01\x7f\xc3\xa9\xe2\x80\xa8\xff <>"
	r := rand.New(rand.NewPCG(3, 4))
	text := func() string {
		b := make([]byte, r.IntN(20))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	zones := []*time.Location{time.UTC, time.FixedZone("", 2*3600+30*60), time.FixedZone("west", -7*3600)}
	records := []slog.Record{slog.NewRecord(time.Time{}, slog.LevelInfo, "no time", 0)}
	for i := range 500 {
		at := time.Date(2026, 11, 27, 14, 30, r.IntN(60), r.IntN(1e9), zones[i%len(zones)])
		if i%7 == 0 {
			at = at.Truncate(time.Second)
		}
		level := []slog.Level{slog.LevelInfo, slog.LevelError, slog.LevelWarn, slog.LevelInfo + 2}[i%4]
		rec := slog.NewRecord(at, level, text(), 0)
		rec.AddAttrs(
			slog.String("id", text()),
			slog.String("method", "GET"),
			slog.String(text()+"x", text()),
			slog.Int("status", r.IntN(600)),
			slog.Duration("latency", time.Duration(r.Int64N(int64(time.Minute)))),
		)
		switch i % 5 {
		case 1:
			rec.AddAttrs(slog.Bool("other", true))
		case 2:
			rec.AddAttrs(slog.Group("g", slog.String("k", text())))
		case 3:
			rec.AddAttrs(slog.Any("", nil))
		}
		records = append(records, rec)
	}
	ctx := context.Background()
	for _, rec := range records {
		var want, got bytes.Buffer
		if err := slog.NewJSONHandler(&want, nil).Handle(ctx, rec.Clone()); err != nil {
			t.Fatal(err)
		}
		if err := NewRequestLineHandler(&got).Handle(ctx, rec.Clone()); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Fatalf("wrote  %s\nslog's %s", got.Bytes(), want.Bytes())
		}
	}
	// The derived handlers are slog's.
	var want, got bytes.Buffer
	slog.New(slog.NewJSONHandler(&want, nil)).With("a", 1).WithGroup("g").Info("m", "k", "v")
	slog.New(NewRequestLineHandler(&got)).With("a", 1).WithGroup("g").Info("m", "k", "v")
	noTime := regexp.MustCompile(`"time":"[^"]*",`)
	if !bytes.Equal(noTime.ReplaceAll(got.Bytes(), nil), noTime.ReplaceAll(want.Bytes(), nil)) {
		t.Fatalf("With/WithGroup: wrote %s, slog's %s", got.Bytes(), want.Bytes())
	}
}
