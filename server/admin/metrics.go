// Package admin is the operator's side of sessionhub: Prometheus metrics
// of the HTTP APIs and the store, and the admin listener's handler with
// /metrics, /livez, /readyz and pprof. Nothing here is served on the
// public listener.
package admin

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sessionhub/sessionhub/store"
)

// Metrics are sessionhub's Prometheus metrics, registered on one registry
// (not the global one, so every test gets fresh counters).
type Metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	inFlight *prometheus.GaugeVec
	// series keeps each label set's counter and histogram (by seriesKey)
	// and gauges each API's gauge: finding them in the vectors hashes
	// every label value, three times a request. The label sets are as few
	// as the series.
	series, gauges sync.Map
}

// seriesKey is the label set of one request's series.
type seriesKey struct {
	api, route, method string
	status             int
}

// seriesOf are the series a request with one label set counts in.
type seriesOf struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// NewMetrics registers on reg the HTTP metrics (filled by Middleware), the
// store's counters and write-queue wait, both SQLite pools' statistics and
// the Go runtime and process collectors.
func NewMetrics(reg prometheus.Registerer, st *store.Store) (*Metrics, error) {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sessionhub_http_requests_total",
			Help: "HTTP requests answered, by API (atlas, brainstem, docs), route template, method and status.",
		}, []string{"api", "route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "sessionhub_http_request_duration_seconds",
			Help:    "Time from a request's arrival to its answer, by API, route template and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"api", "route", "method"}),
		inFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sessionhub_http_requests_in_flight",
			Help: "Requests being handled now, by API.",
		}, []string{"api"}),
	}
	writeWait := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "sessionhub_store_write_wait_seconds",
		Help:    "Time a write transaction waited for the single database writer.",
		Buckets: []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	})
	w, err := st.W.DB()
	if err != nil {
		return nil, err
	}
	r, err := st.R.DB()
	if err != nil {
		return nil, err
	}
	cs := []prometheus.Collector{
		m.requests, m.latency, m.inFlight, writeWait,
		storeCollector{st},
		dbStats(w, "writer"), dbStats(r, "reader"),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	}
	for _, c := range cs {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	st.ObserveWriteWait(func(d time.Duration) { writeWait.Observe(d.Seconds()) })
	return m, nil
}

// dbStats exports a database/sql pool's statistics (go_sql_* with db_name).
func dbStats(db *sql.DB, name string) prometheus.Collector {
	return collectors.NewDBStatsCollector(db, name)
}

// Middleware counts and times every request, labelled with apiOf (which
// must answer from a small fixed set: "atlas", "brainstem", "docs"). It
// must be the outermost middleware: it lets the error handler answer an
// error first, so the status it records is the one the client got.
func (m *Metrics) Middleware(apiOf func(echo.Context) string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			api := apiOf(c)
			g := m.gauge(api)
			g.Inc()
			defer g.Dec()
			method := methodLabel(c.Request().Method)
			err := next(c)
			if err != nil && !c.Response().Committed {
				c.Error(err)
			}
			route := c.Path()
			if route == "" || route == "/*" && c.Response().Status == 404 {
				// No route matched: one label value for every unknown path.
				route = "unmatched"
			}
			status := c.Response().Status
			var he *echo.HTTPError
			if !c.Response().Committed && errors.As(err, &he) {
				status = he.Code
			}
			ser := m.seriesFor(seriesKey{api, route, method, status})
			ser.requests.Inc()
			ser.latency.Observe(time.Since(start).Seconds())
			return err
		}
	}
}

// gauge is the in-flight gauge of api.
func (m *Metrics) gauge(api string) prometheus.Gauge {
	if g, ok := m.gauges.Load(api); ok {
		return g.(prometheus.Gauge)
	}
	g, _ := m.gauges.LoadOrStore(api, m.inFlight.WithLabelValues(api))
	return g.(prometheus.Gauge)
}

// seriesFor is the counter and histogram of k.
func (m *Metrics) seriesFor(k seriesKey) *seriesOf {
	if s, ok := m.series.Load(k); ok {
		return s.(*seriesOf)
	}
	s, _ := m.series.LoadOrStore(k, &seriesOf{
		requests: m.requests.WithLabelValues(k.api, k.route, k.method, strconv.Itoa(k.status)),
		latency:  m.latency.WithLabelValues(k.api, k.route, k.method),
	})
	return s.(*seriesOf)
}

// methodLabel is the request method when it is a standard one, else
// "other": clients may send any token as a method.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "other"
}

// storeCollector reads the store's counters at scrape time.
type storeCollector struct{ st *store.Store }

var (
	descWriteQueue   = prometheus.NewDesc("sessionhub_store_write_queue_depth", "Writes waiting for the single database writer or running on it.", nil, nil)
	descWriteTx      = prometheus.NewDesc("sessionhub_store_write_transactions_total", "Transactions of the single writer; each commits every write queued when it began (group commit).", nil, nil)
	descCacheHits    = prometheus.NewDesc("sessionhub_read_cache_hits_total", "Reads answered from the read cache.", nil, nil)
	descCacheMisses  = prometheus.NewDesc("sessionhub_read_cache_misses_total", "Reads that were computed (not in the read cache).", nil, nil)
	descCacheEvicted = prometheus.NewDesc("sessionhub_read_cache_evictions_total", "Cached answers dropped to stay within the cache's memory and entry limits.", nil, nil)
	descCacheInval   = prometheus.NewDesc("sessionhub_read_cache_invalidations_total", "Times a write transaction emptied the read cache.", nil, nil)
	descCacheScoped  = prometheus.NewDesc("sessionhub_read_cache_scoped_drops_total", "Times a write transaction dropped only the cached answers of the records it changed and those that may depend on any record.", nil, nil)
	descTokenHits    = prometheus.NewDesc("sessionhub_token_cache_hits_total", "Token checks answered from the token cache.", nil, nil)
	descTokenMisses  = prometheus.NewDesc("sessionhub_token_cache_misses_total", "Token checks that queried the database.", nil, nil)
	descUploadBytes  = prometheus.NewDesc("sessionhub_upload_bytes_total", "Bytes of uploaded files received.", nil, nil)
	descUploading    = prometheus.NewDesc("sessionhub_uploads_in_flight", "Uploaded files being received now.", nil, nil)
)

func (storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descWriteQueue, descWriteTx, descCacheHits, descCacheMisses, descCacheEvicted,
		descCacheInval, descCacheScoped, descTokenHits, descTokenMisses, descUploadBytes, descUploading} {
		ch <- d
	}
}

func (c storeCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.st.Stats()
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v uint64) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v))
	}
	gauge(descWriteQueue, float64(s.WriteQueueDepth))
	counter(descWriteTx, s.WriteTransactions)
	counter(descCacheHits, s.ReadCacheHits)
	counter(descCacheMisses, s.ReadCacheMisses)
	counter(descCacheEvicted, s.ReadCacheEvictions)
	counter(descCacheInval, s.ReadCacheInvalidations)
	counter(descCacheScoped, s.ReadCacheScopedDrops)
	counter(descTokenHits, s.TokenCacheHits)
	counter(descTokenMisses, s.TokenCacheMisses)
	counter(descUploadBytes, s.UploadBytes)
	gauge(descUploading, float64(s.UploadsInFlight))
}
