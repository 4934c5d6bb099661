package provision

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Record formats, chosen by the file's extension.
const (
	formatCSV   = "csv"
	formatJSONL = "jsonl"
)

// recordFormatOf answers the format for path, or "" when the extension
// is neither CSV nor JSON lines.
func recordFormatOf(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return formatCSV
	case ".jsonl", ".ndjson", ".json":
		return formatJSONL
	}
	return ""
}

// recordColumns are the CSV header and the JSON keys, in order.
var recordColumns = []string{"time", "port", "model", "imei", "iccid", "deviceId", "hub", "auth", "result",
	"confirmed", "tls", "tlsReason", "stage", "error", "runs"}

// Record is one line of the record file. It has no field for a key or a
// token, so none can reach the file.
type Record struct {
	Time      string `json:"time"`
	Port      string `json:"port"`
	Model     string `json:"model"`
	IMEI      string `json:"imei"`
	ICCID     string `json:"iccid"`
	DeviceID  string `json:"deviceId"`
	Hub       string `json:"hub"`
	Auth      string `json:"auth"`
	Result    string `json:"result"`
	Confirmed string `json:"confirmed"`
	TLS       string `json:"tls"`
	TLSReason string `json:"tlsReason"`
	Stage     string `json:"stage"`
	Error     string `json:"error"`
	Runs      string `json:"runs"`
}

// RecordOf is the record of one module's Result.
func RecordOf(r Result) Record {
	errText := r.Error
	if r.Detail != "" && errText != "" {
		errText += " (" + r.Detail + ")"
	}
	return Record{Time: r.Finished.UTC().Format(time.RFC3339), Port: r.Port, Model: r.Model, IMEI: r.IMEI,
		ICCID: r.ICCID, DeviceID: r.DeviceID, Hub: r.Hub, Auth: r.AuthMode, Result: r.Result,
		Confirmed: r.Confirmed, TLS: r.TLS, TLSReason: r.TLSReason, Stage: r.Stage, Error: errText, Runs: r.Runs}
}

func (r Record) values() []string {
	return []string{r.Time, r.Port, r.Model, r.IMEI, r.ICCID, r.DeviceID, r.Hub, r.Auth, r.Result,
		r.Confirmed, r.TLS, r.TLSReason, r.Stage, r.Error, r.Runs}
}

// Record file failures found before a batch starts.
const (
	PhraseRecordColumns = "the record file has other columns than this version writes"
	AdviceRecordColumns = "name a new record file, or move the old one aside"
)

// CheckRecordFile opens path for appending, creating it when it does not
// exist, before any module is touched: a record that cannot be kept
// stops the batch at the start, not after every module was set up. A CSV
// file that already has lines must start with this version's header. ""
// (no record) is fine. The error is a *StageError of StageRecord.
func CheckRecordFile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fail(StageRecord, PhraseRecord, AdviceRecord, err.Error(), err)
	}
	defer f.Close()
	if recordFormatOf(path) != formatCSV {
		return nil
	}
	first, err := bufio.NewReader(f).ReadString('\n')
	switch {
	case err != nil && !errors.Is(err, io.EOF):
		return fail(StageRecord, PhraseRecord, AdviceRecord, err.Error(), err)
	case first == "":
		return nil
	}
	header, _ := csv.NewReader(strings.NewReader(first)).Read()
	if strings.Join(header, ",") != strings.Join(recordColumns, ",") {
		return fail(StageRecord, PhraseRecordColumns, AdviceRecordColumns, path, nil)
	}
	return nil
}

// recorder appends records for a batch; modules finish in any order.
type recorder struct {
	path string
	mu   sync.Mutex
}

func newRecorder(path string) *recorder { return &recorder{path: path} }

func (rc *recorder) enabled() bool { return rc.path != "" }

// append adds one record, with a CSV header when the file is new or
// empty. Each record is one write on a file opened for appending.
func (rc *recorder) append(r Result) error {
	if !rc.enabled() {
		return nil
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	f, err := os.OpenFile(rc.path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	line, err := rc.encode(f, RecordOf(r))
	if err == nil {
		_, err = f.Write(line)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (rc *recorder) encode(f *os.File, rec Record) ([]byte, error) {
	if recordFormatOf(rc.path) == formatJSONL {
		b, err := json.Marshal(rec)
		return append(b, '\n'), err
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	if st, err := f.Stat(); err == nil && st.Size() == 0 {
		w.Write(recordColumns)
	}
	w.Write(rec.values())
	w.Flush()
	return []byte(b.String()), w.Error()
}
