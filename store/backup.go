package store

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"
)

// A backup is one tar archive (gzip-compressed when its name ends in .gz
// or .tgz) holding a consistent copy of the database, the bytes of every
// attachment that copy refers to, and manifest.json describing both.

// BackupFormat names the archive layout in the manifest.
const BackupFormat = "sessionhub-backup/1"

// Archive member names.
const (
	backupManifestName = "manifest.json"
	backupDBName       = "sessionhub.db"
	backupBlobPrefix   = "blobs/atlas/"
)

// Manifest describes a backup: the database copy's hash, its row count per
// table, and each blob's hash and size.
type Manifest struct {
	Format    string           `json:"format"`
	CreatedAt time.Time        `json:"created_at"`
	Database  ManifestFile     `json:"database"`
	Tables    map[string]int64 `json:"tables"`
	Blobs     []ManifestFile   `json:"blobs"`
	// WritesPausedFor is how long the backup held the database's write
	// lock (while it listed and linked the blobs).
	WritesPausedFor string `json:"writes_paused_for"`
}

// ManifestFile is one archive member.
type ManifestFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// ErrBadBackup means an archive does not verify against its manifest (or
// has none, or holds unexpected members).
var ErrBadBackup = errors.New("store: backup archive does not verify")

func badBackup(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadBackup, fmt.Sprintf(format, args...))
}

// dbPath is the database file of a data directory.
func dbPath(dataDir string) string { return filepath.Join(dataDir, "sessionhub.db") }

// Backup writes a backup of dataDir to outPath while a server may be
// serving it. The database is copied with SQLite's online backup from one
// read transaction, so the copy is one committed state. To make sure the
// blobs of that state are still there when they are copied, the backup
// takes the database's write lock for a moment: while it holds it, it pins
// its read transaction and hard-links (or copies) each referenced blob into
// a staging directory beside them; then writes go on while the database is
// copied and the archive written. Blobs are only read. outPath is written
// to a temp file and renamed, so a failed backup leaves nothing there.
func Backup(ctx context.Context, dataDir, outPath string) (*Manifest, error) {
	if _, err := os.Stat(dbPath(dataDir)); err != nil {
		return nil, fmt.Errorf("backup: no database in %s: %w", dataDir, err)
	}
	stage, err := os.MkdirTemp(dataDir, ".backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: staging directory: %w", err)
	}
	defer os.RemoveAll(stage)

	src, err := sql.Open("sqlite3", "file:"+dbPath(dataDir)+"?_busy_timeout=10000&_foreign_keys=on")
	if err != nil {
		return nil, err
	}
	defer src.Close()
	m := &Manifest{Format: BackupFormat, CreatedAt: time.Now().UTC(), Tables: map[string]int64{}}
	reader, err := src.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer reader.Close()
	blobs, paused, err := pinSnapshot(ctx, src, reader, dataDir, stage)
	if err != nil {
		return nil, err
	}
	m.WritesPausedFor = paused.String()
	// The read transaction stays open until the copy is made.
	snap := filepath.Join(stage, backupDBName)
	err = copyDatabase(ctx, reader, snap)
	if _, cerr := reader.ExecContext(context.Background(), "COMMIT"); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("backup: copy database: %w", err)
	}
	if m.Tables, err = countRows(ctx, snap); err != nil {
		return nil, err
	}
	if err := writeArchive(outPath, snap, stage, blobs, m); err != nil {
		return nil, err
	}
	return m, nil
}

// stagedBlob is an attachment's blob linked into the staging directory.
type stagedBlob struct{ id, sha256 string }

// pinSnapshot holds the write lock on conn A while it opens the read
// transaction on reader and stages the blobs of the attachments it sees.
func pinSnapshot(ctx context.Context, db *sql.DB, reader *sql.Conn, dataDir, stage string) ([]stagedBlob, time.Duration, error) {
	lock, err := db.Conn(ctx)
	if err != nil {
		return nil, 0, err
	}
	defer lock.Close()
	if _, err := lock.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return nil, 0, fmt.Errorf("backup: take the write lock: %w", err)
	}
	start := time.Now()
	defer func() { _, _ = lock.ExecContext(context.Background(), "ROLLBACK") }()
	if _, err := reader.ExecContext(ctx, "BEGIN"); err != nil {
		return nil, 0, err
	}
	rows, err := reader.QueryContext(ctx, "SELECT id, sha256 FROM atlas_attachments ORDER BY id")
	if err != nil {
		_, _ = reader.ExecContext(context.Background(), "ROLLBACK")
		return nil, 0, err
	}
	var blobs []stagedBlob
	for rows.Next() {
		var b stagedBlob
		if err := rows.Scan(&b.id, &b.sha256); err != nil {
			rows.Close()
			return nil, 0, err
		}
		blobs = append(blobs, b)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, 0, err
	}
	for _, b := range blobs {
		from := filepath.Join(dataDir, "blobs", "atlas", b.id)
		to := filepath.Join(stage, b.id)
		if err := os.Link(from, to); err != nil {
			if err := copyFile(from, to); err != nil {
				return nil, 0, fmt.Errorf("backup: blob of attachment %s: %w (served with --blobs s3://…? its blobs are not in the data dir, and backup does not copy them)", b.id, err)
			}
		}
	}
	return blobs, time.Since(start), nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// copyDatabase copies the database reader sees (in its open read
// transaction) to the new file dst with SQLite's backup API.
func copyDatabase(ctx context.Context, reader *sql.Conn, dst string) error {
	ddb, err := sql.Open("sqlite3", "file:"+dst)
	if err != nil {
		return err
	}
	defer ddb.Close()
	dconn, err := ddb.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	err = dconn.Raw(func(d any) error {
		return reader.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("not a SQLite connection")
			}
			bk, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			if _, err := bk.Step(-1); err != nil {
				_ = bk.Finish()
				return err
			}
			return bk.Finish()
		})
	})
	if err != nil {
		return err
	}
	// One self-contained file: no WAL beside it.
	_, err = dconn.ExecContext(ctx, "PRAGMA journal_mode=DELETE")
	return err
}

// countRows counts the rows of every table of the database file at p.
func countRows(ctx context.Context, p string) (map[string]int64, error) {
	db, err := sql.Open("sqlite3", "file:"+p+"?mode=ro")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		// n comes from sqlite_master, quoted as an identifier.
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM "`+strings.ReplaceAll(n, `"`, `""`)+`"`).Scan(&c); err != nil {
			return nil, err
		}
		out[n] = c
	}
	return out, nil
}

// writeArchive writes the database copy, the staged blobs (checking each
// against the sha256 its row records) and the manifest to outPath.
func writeArchive(outPath, snap, stage string, blobs []stagedBlob, m *Manifest) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(outPath), "."+filepath.Base(outPath)+".tmp-")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	var w io.Writer = tmp
	var gz *gzip.Writer
	if strings.HasSuffix(outPath, ".gz") || strings.HasSuffix(outPath, ".tgz") {
		gz = gzip.NewWriter(tmp)
		w = gz
	}
	tw := tar.NewWriter(w)
	if m.Database, err = addFile(tw, backupDBName, snap); err != nil {
		return err
	}
	m.Blobs = []ManifestFile{}
	for _, b := range blobs {
		f, err := addFile(tw, backupBlobPrefix+b.id, filepath.Join(stage, b.id))
		if err != nil {
			return err
		}
		if f.SHA256 != b.sha256 {
			return fmt.Errorf("backup: the bytes of attachment %s do not match its recorded sha256 (%s, read %s)", b.id, b.sha256, f.SHA256)
		}
		m.Blobs = append(m.Blobs, f)
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := tw.WriteHeader(&tar.Header{Name: backupManifestName, Mode: 0o640, Size: int64(len(js)), ModTime: m.CreatedAt, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	if _, err := tw.Write(js); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return err
		}
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), outPath)
}

// addFile writes the file at p into tw as name and returns its size and hash.
func addFile(tw *tar.Writer, name, p string) (ManifestFile, error) {
	f, err := os.Open(p)
	if err != nil {
		return ManifestFile{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return ManifestFile{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o640, Size: st.Size(), ModTime: st.ModTime(), Typeflag: tar.TypeReg}); err != nil {
		return ManifestFile{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), f)
	if err != nil {
		return ManifestFile{}, err
	}
	return ManifestFile{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// blobName is what may follow blobs/atlas/ in an archive: an attachment id.
var blobName = regexp.MustCompile(`^[0-9a-f-]{36}$`)

// Restore unpacks the backup at from into dataDir, which must not exist or
// be empty, and verifies it: every member is listed in the manifest with
// its size and sha256, the database passes SQLite's integrity check and has
// the manifest's row counts, and every attachment row has its blob with the
// recorded sha256. On any failure dataDir is left as it was found.
func Restore(ctx context.Context, from, dataDir string) (m *Manifest, err error) {
	if entries, err := os.ReadDir(dataDir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("restore: %s is not empty", dataDir)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	created := false
	if _, err := os.Stat(dataDir); errors.Is(err, os.ErrNotExist) {
		created = true
	}
	if err := os.MkdirAll(filepath.Join(dataDir, "blobs", "atlas"), 0o750); err != nil {
		return nil, err
	}
	defer func() {
		if err == nil {
			return
		}
		if created {
			os.RemoveAll(dataDir)
			return
		}
		entries, _ := os.ReadDir(dataDir)
		for _, e := range entries {
			os.RemoveAll(filepath.Join(dataDir, e.Name()))
		}
	}()
	got, m, err := unpack(from, dataDir)
	if err != nil {
		return nil, err
	}
	if err := verifyRestore(ctx, dataDir, got, m); err != nil {
		return nil, err
	}
	return m, nil
}

// unpack extracts the archive's database and blobs into dataDir and returns
// what it wrote (name → size and hash) and the manifest.
func unpack(from, dataDir string) (map[string]ManifestFile, *Manifest, error) {
	f, err := os.Open(from)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	var r io.Reader = f
	var magic [2]byte
	if _, err := io.ReadFull(f, magic[:]); err == nil && magic == [2]byte{0x1f, 0x8b} {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, nil, err
		}
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, nil, badBackup("gzip: %v", err)
		}
		r = gz
	} else if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, nil, err
	}
	tr := tar.NewReader(r)
	got := map[string]ManifestFile{}
	var m *Manifest
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, badBackup("tar: %v", err)
		}
		name := hdr.Name
		if hdr.Typeflag != tar.TypeReg {
			return nil, nil, badBackup("member %q is not a regular file", name)
		}
		if _, dup := got[name]; dup || (name == backupManifestName && m != nil) {
			return nil, nil, badBackup("member %q appears twice", name)
		}
		var dst string
		switch {
		case name == backupManifestName:
			m = &Manifest{}
			if err := json.NewDecoder(io.LimitReader(tr, 64<<20)).Decode(m); err != nil {
				return nil, nil, badBackup("manifest: %v", err)
			}
			continue
		case name == backupDBName:
			dst = dbPath(dataDir)
		case strings.HasPrefix(name, backupBlobPrefix) && blobName.MatchString(path.Base(name)) && path.Dir(name)+"/" == backupBlobPrefix:
			dst = filepath.Join(dataDir, "blobs", "atlas", path.Base(name))
		default:
			return nil, nil, badBackup("unexpected member %q", name)
		}
		out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
		if err != nil {
			return nil, nil, err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(out, h), tr)
		if err := errors.Join(err, out.Close()); err != nil {
			return nil, nil, badBackup("member %q: %v", name, err)
		}
		got[name] = ManifestFile{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}
	}
	if m == nil {
		return nil, nil, badBackup("no %s", backupManifestName)
	}
	if m.Format != BackupFormat {
		return nil, nil, badBackup("format %q; want %q", m.Format, BackupFormat)
	}
	return got, m, nil
}

func verifyRestore(ctx context.Context, dataDir string, got map[string]ManifestFile, m *Manifest) error {
	want := map[string]ManifestFile{m.Database.Path: m.Database}
	for _, b := range m.Blobs {
		want[b.Path] = b
	}
	if m.Database.Path != backupDBName {
		return badBackup("the manifest's database is %q", m.Database.Path)
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			return badBackup("%s is in the manifest but not in the archive", name)
		}
		if g != w {
			return badBackup("%s: size %d sha256 %s; the manifest says size %d sha256 %s", name, g.Size, g.SHA256, w.Size, w.SHA256)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			return badBackup("%s is in the archive but not in the manifest", name)
		}
	}
	db, err := sql.Open("sqlite3", "file:"+dbPath(dataDir)+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var ok string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		return badBackup("database integrity check: %q %v", ok, err)
	}
	counts, err := countRows(ctx, dbPath(dataDir))
	if err != nil {
		return err
	}
	if len(counts) != len(m.Tables) {
		return badBackup("database has %d tables; the manifest lists %d", len(counts), len(m.Tables))
	}
	for t, n := range m.Tables {
		if counts[t] != n {
			return badBackup("table %s has %d rows; the manifest says %d", t, counts[t], n)
		}
	}
	rows, err := db.QueryContext(ctx, "SELECT id, sha256 FROM atlas_attachments")
	if err != nil {
		return err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id, sum string
		if err := rows.Scan(&id, &sum); err != nil {
			return err
		}
		if b, ok := got[backupBlobPrefix+id]; !ok || b.SHA256 != sum {
			return badBackup("attachment %s: its blob is missing or does not match its sha256", id)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(ids) != len(m.Blobs) {
		return badBackup("%d attachment rows but %d blobs", len(ids), len(m.Blobs))
	}
	return nil
}
