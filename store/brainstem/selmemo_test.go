package brainstem

import (
	"fmt"
	"testing"
)

// The memo answers exactly what building the column list answers, for
// every viewer, on both portals, once it has kept the list.
func TestMemoSelectMatchesTheBuild(t *testing.T) {
	for _, d := range []*bsDialect{&sqliteDialect, &postgresDialect} {
		for name, m := range bsRegistry {
			if _, ok := bsModuleParents[name]; !ok {
				continue
			}
			for _, v := range []Viewer{{UserID: 1}, {UserID: 7}, {UserID: 1}, {Public: true}, {UserID: 3, Public: true}} {
				gotSQL, gotArgs := memoModuleSelect(d, m, v)
				wantSQL, wantArgs := moduleSelect(d, m, v)
				if gotSQL != wantSQL || fmt.Sprint(gotArgs) != fmt.Sprint(wantArgs) {
					t.Fatalf("%s %+v: memo %q %v, build %q %v", name, v, gotSQL, gotArgs, wantSQL, wantArgs)
				}
			}
		}
		for _, v := range []Viewer{{UserID: 2}, {UserID: 9}, {Public: true}} {
			gotSQL, gotArgs := memoSessionSelect(d, v)
			wantSQL, wantArgs := bsSessionSelect(d, v)
			if gotSQL != wantSQL || fmt.Sprint(gotArgs) != fmt.Sprint(wantArgs) {
				t.Fatalf("session %+v: memo %q %v, build %q %v", v, gotSQL, gotArgs, wantSQL, wantArgs)
			}
		}
	}
}

// A list whose bind values are not only the viewer's id, or whose SQL
// depends on the viewer beyond its portal, is never kept.
func TestMemoSelectKeepsOnlyViewerIndependentLists(t *testing.T) {
	d := &sqliteDialect
	constArg := func(v Viewer) (string, []any) { return "x = ? AND y = ?", []any{v.UserID, "const"} }
	if _, args := memoSelect(d, "t-const", Viewer{UserID: 1}, constArg); args[1] != "const" {
		t.Fatalf("args %v", args)
	}
	if _, args := memoSelect(d, "t-const", Viewer{UserID: 2}, constArg); args[1] != "const" {
		t.Fatalf("kept a list with a constant bind value: args %v", args)
	}
	inText := func(v Viewer) (string, []any) { return fmt.Sprintf("x = %d", v.UserID), nil }
	memoSelect(d, "t-text", Viewer{UserID: 1}, inText)
	if sql, _ := memoSelect(d, "t-text", Viewer{UserID: 2}, inText); sql != "x = 2" {
		t.Fatalf("kept a list with the viewer in its text: %q", sql)
	}
	// the viewer's id equal to a constant bind value
	same := func(v Viewer) (string, []any) { return "x = ? AND y = ?", []any{v.UserID, uint(5)} }
	memoSelect(d, "t-same", Viewer{UserID: 5}, same)
	if _, args := memoSelect(d, "t-same", Viewer{UserID: 6}, same); args[1] != uint(5) {
		t.Fatalf("kept a list whose constant equalled the first viewer's id: args %v", args)
	}
}
