//go:build ignore

// gen.go transcribes the per-type schemas that the BrainSTEM documentation
// publishes (the tables of docs/api/schemas/*.md in
// brainstem-org/brainstem_support) into JSON Schema files under schemas/.
//
// Usage, from this directory:
//
//	go run gen.go -repo /path/to/brainstem_support/.git -commit <sha>
//
// It reads the pages with `git show <commit>:<path>`, so the output names
// exactly the commit it came from. Each table row becomes one property; only
// what the row states is transcribed (type, enum, minimum, maximum, minItems,
// required, default and format as annotations). Nothing else is added: the
// pages do not say whether unlisted properties are rejected, so the schemas
// do not reject them.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// groups are the schema pages, in the order of the table in docs/api/schemas.md.
var groups = []struct{ name, page, selector, payload string }{
	{"coordinates", "docs/api/schemas/coordinates.md", "coordinates_system", "coordinates_details"},
	{"consumablestock", "docs/api/schemas/consumablestock.md", "type", "details"},
	{"dataacquisition", "docs/api/schemas/dataacquisition.md", "type", "details"},
	{"equipment", "docs/api/schemas/equipment.md", "type", "details"},
	{"manipulation", "docs/api/schemas/manipulation.md", "type", "details"},
	{"procedure", "docs/api/schemas/procedure.md", "type", "details"},
	{"procedurelog", "docs/api/schemas/procedurelog.md", "type", "details"},
	{"subjectlog", "docs/api/schemas/subjectlog.md", "type", "details"},
}

const repository = "https://github.com/brainstem-org/brainstem_support"

type indexType struct {
	Type     string   `json:"type"`
	Title    string   `json:"title"`
	Versions []string `json:"versions"`
	Shape    string   `json:"shape"`
	Source   string   `json:"source"`
}

type indexGroup struct {
	Name     string      `json:"name"`
	Page     string      `json:"page"`
	Selector string      `json:"selector"`
	Payload  string      `json:"payload"`
	Types    []indexType `json:"types"`
}

type index struct {
	Repository string       `json:"repository"`
	Commit     string       `json:"commit"`
	Licence    string       `json:"licence"`
	Groups     []indexGroup `json:"groups"`
}

type quickRow struct{ typ, version, required, shape string }

type section struct {
	typ, title, version, source, shape string
	required                           []string
	example                            json.RawMessage
	rows                               [][]string
	noFields                           bool // the table says "_No declared fields_"
}

func main() {
	repo := flag.String("repo", "", "git directory of brainstem-org/brainstem_support")
	commit := flag.String("commit", "", "commit to read the pages from")
	out := flag.String("out", "schemas", "output directory")
	flag.Parse()
	if *repo == "" || *commit == "" {
		log.Fatal("usage: go run gen.go -repo DIR -commit SHA")
	}
	full, err := exec.Command("git", "--git-dir", *repo, "rev-parse", *commit+"^{commit}").Output()
	if err != nil {
		log.Fatalf("rev-parse %s: %v", *commit, err)
	}
	idx := index{Repository: repository, Commit: strings.TrimSpace(string(full)), Licence: "MIT"}
	for _, g := range groups {
		page, err := exec.Command("git", "--git-dir", *repo, "show", idx.Commit+":"+g.page).Output()
		if err != nil {
			log.Fatalf("git show %s: %v", g.page, err)
		}
		quick, sections := parsePage(g.page, string(page))
		if len(quick) != len(sections) {
			log.Fatalf("%s: quick map has %d types, schema reference %d", g.page, len(quick), len(sections))
		}
		ig := indexGroup{Name: g.name, Page: g.page, Selector: g.selector, Payload: g.payload}
		for i, q := range quick {
			s := sections[i]
			if q.typ != s.typ || q.version != s.version || q.shape != s.shape {
				log.Fatalf("%s: quick map row %v disagrees with section %s %s %s", g.page, q, s.typ, s.version, s.shape)
			}
			sch := buildSchema(g.page, s)
			if got := strings.Join(quoteAll(s.required), ", "); got != q.required && !(q.required == "none" && got == "") {
				log.Fatalf("%s %s: quick map requires %q, section %q", g.page, s.typ, q.required, got)
			}
			dir := filepath.Join(*out, g.name, s.typ)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				log.Fatal(err)
			}
			b, err := marshal(sch)
			if err != nil {
				log.Fatalf("%s %s: %v", g.page, s.typ, err)
			}
			if err := os.WriteFile(filepath.Join(dir, s.version+".json"), b, 0o644); err != nil {
				log.Fatal(err)
			}
			ig.Types = append(ig.Types, indexType{Type: s.typ, Title: s.title, Versions: []string{s.version}, Shape: s.shape, Source: s.source})
		}
		idx.Groups = append(idx.Groups, ig)
	}
	b, err := marshal(idx)
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(*out, "index.json"), b, 0o644); err != nil {
		log.Fatal(err)
	}
}

func quoteAll(names []string) []string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = "`" + n + "`"
	}
	return q
}

var (
	reHeading = regexp.MustCompile("^### `([^`]+)`$")
	reBullet  = regexp.MustCompile(`^- \*\*(Schema title|Schema version|Source|Schema shape|Required fields):\*\* (.*)$`)
	reTick    = regexp.MustCompile("^`([^`]*)`$")
)

func parsePage(name, page string) ([]quickRow, []section) {
	lines := strings.Split(page, "\n")
	var quick []quickRow
	var sections []section
	var cur *section
	where := ""
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], " \r")
		switch {
		case strings.HasPrefix(line, "## "):
			where = strings.TrimPrefix(line, "## ")
			cur = nil
			continue
		case reHeading.MatchString(line) && where == "Schema reference":
			sections = append(sections, section{typ: reHeading.FindStringSubmatch(line)[1]})
			cur = &sections[len(sections)-1]
			continue
		}
		if where == "Quick type map" && strings.HasPrefix(line, "| `") {
			c := cells(name, line)
			quick = append(quick, quickRow{untick(name, c[0]), untick(name, c[1]), c[2], untick(name, c[3])})
			continue
		}
		if cur == nil {
			continue
		}
		if m := reBullet.FindStringSubmatch(line); m != nil {
			v := m[2]
			switch m[1] {
			case "Schema title":
				cur.title = v
			case "Schema version":
				cur.version = untick(name, v)
			case "Source":
				cur.source = untick(name, v)
			case "Schema shape":
				cur.shape = untick(name, v)
			case "Required fields":
				if v != "none" {
					for _, r := range strings.Split(v, ", ") {
						cur.required = append(cur.required, untick(name, r))
					}
				}
			}
			continue
		}
		if line == "Example payload for this type:" {
			if lines[i+1] != "```json" {
				log.Fatalf("%s %s: example is not a json block", name, cur.typ)
			}
			var buf []string
			for i += 2; lines[i] != "```"; i++ {
				buf = append(buf, lines[i])
			}
			raw := json.RawMessage(strings.Join(buf, "\n"))
			if !json.Valid(raw) {
				log.Fatalf("%s %s: example is not JSON", name, cur.typ)
			}
			cur.example = raw
			continue
		}
		switch {
		case strings.HasPrefix(line, "| `"):
			cur.rows = append(cur.rows, cells(name, line))
		case line == "| _No declared fields_ | object | no | — |":
			cur.noFields = true
		case strings.HasPrefix(line, "| ") && !strings.HasPrefix(line, "| Field |"):
			log.Fatalf("%s %s: unexpected row %q", name, cur.typ, line)
		}
	}
	return quick, sections
}

func cells(name, line string) []string {
	inner := strings.TrimSuffix(strings.TrimPrefix(line, "| "), " |")
	c := strings.Split(inner, " | ")
	if len(c) != 4 {
		log.Fatalf("%s: row with %d cells: %s", name, len(c), line)
	}
	return c
}

func untick(name, s string) string {
	m := reTick.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		log.Fatalf("%s: expected `code`, got %q", name, s)
	}
	return m[1]
}

var reNumberUnit = regexp.MustCompile(`^object\(value:number, unit:enum\[(.*)\]\)$`)

// buildSchema turns one section into a JSON Schema (draft 2020-12) document,
// as an ordered list of key/value pairs so the files read like the page.
func buildSchema(page string, s section) ordered {
	props := ordered{}
	var required []string
	for _, r := range s.rows {
		field, expected := untick(page, r[0]), untick(page, r[1])
		p := ordered{}
		if m := reNumberUnit.FindStringSubmatch(expected); m != nil {
			units := strings.Split(m[1], ", ")
			p = append(p,
				kv{"type", "object"},
				kv{"properties", ordered{
					{"value", ordered{{"type", "number"}}},
					{"unit", ordered{{"type", "string"}, {"enum", units}}},
				}})
		} else {
			switch expected {
			case "string", "integer", "number", "boolean", "array":
				p = append(p, kv{"type", expected})
			default:
				log.Fatalf("%s %s.%s: unknown expected value %q", page, s.typ, field, expected)
			}
		}
		p = append(p, constraints(page, s.typ+"."+field, expected, r[3])...)
		props = append(props, kv{field, p})
		switch r[2] {
		case "yes":
			required = append(required, field)
		case "no":
		default:
			log.Fatalf("%s %s.%s: required column %q", page, s.typ, field, r[2])
		}
	}
	slices.Sort(required)
	want := slices.Clone(s.required)
	slices.Sort(want)
	if !slices.Equal(required, want) {
		log.Fatalf("%s %s: required rows %v, required fields line %v", page, s.typ, required, want)
	}
	obj := ordered{{"type", "object"}}
	if len(s.required) > 0 {
		obj = append(obj, kv{"required", s.required})
	}
	switch {
	case s.noFields && len(s.rows) > 0:
		log.Fatalf("%s %s: rows and \"no declared fields\"", page, s.typ)
	case s.noFields:
		// The page declares no fields: any object.
	case len(s.rows) == 0:
		log.Fatalf("%s %s: no rows", page, s.typ)
	default:
		obj = append(obj, kv{"properties", props})
	}

	doc := ordered{
		{"$schema", "https://json-schema.org/draft/2020-12/schema"},
		{"title", s.title},
		{"$comment", fmt.Sprintf("version %s of %s, transcribed from the table in %s; see SOURCE.md", s.version, s.source, page)},
	}
	switch s.shape {
	case "object":
		doc = append(doc, obj...)
	case "array items":
		doc = append(doc, kv{"type", "array"}, kv{"items", obj})
	default:
		log.Fatalf("%s %s: unknown shape %q", page, s.typ, s.shape)
	}
	if s.example != nil {
		doc = append(doc, kv{"examples", []json.RawMessage{s.example}})
	}
	return doc
}

// constraints parses `key=JSON; key=JSON` from the last column.
func constraints(page, where, expected, col string) ordered {
	var out ordered
	rest := strings.TrimSpace(col)
	if rest == "—" {
		return nil
	}
	for rest != "" {
		eq := strings.IndexByte(rest, '=')
		if eq < 0 {
			log.Fatalf("%s %s: constraint %q", page, where, rest)
		}
		key := rest[:eq]
		dec := json.NewDecoder(strings.NewReader(rest[eq+1:]))
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			log.Fatalf("%s %s: constraint %s: %v", page, where, key, err)
		}
		rest = strings.TrimSpace(rest[eq+1+int(dec.InputOffset()):])
		rest = strings.TrimSpace(strings.TrimPrefix(rest, ";"))
		switch key {
		case "format", "default", "enum", "minimum", "maximum", "minItems":
		default:
			log.Fatalf("%s %s: unknown constraint %q", page, where, key)
		}
		if key == "enum" && expected == "array" {
			log.Fatalf("%s %s: enum on an array", page, where)
		}
		out = append(out, kv{key, v})
	}
	return out
}

type kv struct {
	k string
	v any
}

// ordered is a JSON object that keeps its keys in insertion order.
type ordered []kv

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(e.k)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(e.v)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

func marshal(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Indent(&b, raw, "", "  "); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}
