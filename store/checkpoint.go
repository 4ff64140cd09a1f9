package store

import (
	"database/sql"
	"sync"
	"sync/atomic"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// On SQLite the writer's commits do not checkpoint the WAL: its
// connection runs with wal_autocheckpoint 0 (writerDriver). A checkpoint
// copies the WAL's pages back into the database file and syncs that file;
// run by the writer at the commit that passed the WAL's 1,000 pages, it
// held every queued write up for that long (under creates at 64
// connections, that was the p99). A goroutine of the store checkpoints
// instead, on a connection of its own, every checkpointEvery: PASSIVE, so
// it neither waits for nor holds up the writer or the readers.
//
// Under a steady stream of writes such a checkpoint never catches up with
// the WAL's end, and SQLite reuses the WAL from its start only once every
// frame has been copied back: the file grew by gigabytes in a minute of
// creates. So when the WAL holds more than restartFrames, the goroutine
// checkpoints again until it is less than catchUpFrames behind, then takes
// the write turn for one more PASSIVE checkpoint, which copies and syncs
// only those; the next write then starts the WAL over (unless a reader
// still reads its frames: then a later one).
const (
	checkpointEvery = 100 * time.Millisecond
	restartFrames   = 32768
	catchUpFrames   = 256
)

// writerDriver is the go-sqlite3 driver of the writer's connection:
// automatic checkpoints off (checkpointer).
func writerDriver() string {
	writerDriverOnce.Do(func() {
		sql.Register(writerDriverName, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil)
			return err
		}})
	})
	return writerDriverName
}

const writerDriverName = "sqlite3_sessionhub_writer"

var writerDriverOnce sync.Once

// checkpointer runs the WAL checkpoints of a SQLite store.
type checkpointer struct {
	db   *sql.DB
	turn chan struct{} // the store's write turn (Store.wturn)
	// restart is the WAL's frames past which the WAL is made to start
	// over (restartFrames; tests set less).
	restart atomic.Int64
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once // close
	err     error
}

// startCheckpointer opens the checkpoints' connection to dsn and starts
// checkpointing every checkpointEvery until close; turn is the store's
// write turn.
func startCheckpointer(dsn string, turn chan struct{}) (*checkpointer, error) {
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	c := &checkpointer{db: db, turn: turn, stop: make(chan struct{}), done: make(chan struct{})}
	c.restart.Store(restartFrames)
	go c.run()
	return c, nil
}

func (c *checkpointer) run() {
	defer close(c.done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
		}
		// An error (a full disk, say) leaves the WAL as it is: the next
		// tick tries again, and every committed write is in the WAL.
		frames, copied, err := c.checkpoint()
		if err != nil || int64(frames) <= c.restart.Load() {
			continue
		}
		// Catch up with the writer first, so that the pass under the
		// write turn copies and syncs only a few pages.
		for tries := 0; err == nil && frames-copied > catchUpFrames && tries < 10; tries++ {
			frames, copied, err = c.checkpoint()
		}
		if err != nil {
			continue
		}
		select {
		case c.turn <- struct{}{}:
			c.checkpoint()
			<-c.turn
		case <-c.stop:
			return
		}
	}
}

// checkpoint runs one PASSIVE checkpoint and returns the frames in the
// WAL and those copied back into the database file.
func (c *checkpointer) checkpoint() (frames, copied int, err error) {
	var busy int
	err = c.db.QueryRow("PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	return frames, copied, err
}

// close stops the checkpoints and closes their connection; calls after
// the first do nothing. The last connection to close checkpoints what is
// left (SQLite's own close).
func (c *checkpointer) close() error {
	c.once.Do(func() {
		close(c.stop)
		<-c.done
		c.err = c.db.Close()
	})
	return c.err
}
