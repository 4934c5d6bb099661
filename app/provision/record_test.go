package provision

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"qpyhub/device/repl"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func containsString(s, sub string) bool { return strings.Contains(s, sub) }

func sampleResult(port string) Result {
	return Result{Port: port, IMEI: "866327040000001", ICCID: "8986", Model: "EC600N", DeviceID: "ec600n-1",
		Hub: "hub1.azure-devices.net", AuthMode: AuthKey, Result: ResultFailed, Stage: StageIdentity,
		Error: PhraseDeviceExists, Detail: "ec600n-1", Finished: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func TestRecordCSVHeaderOnceAndQuoting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tray.csv")
	rc := newRecorder(path)
	a := sampleResult("/dev/ttyUSB2")
	b := sampleResult("COM5")
	b.Error = "a, \"quoted\" cause"
	for _, r := range []Result{a, b} {
		if err := rc.append(r); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], ",") != strings.Join(recordColumns, ",") {
		t.Fatalf("rows %q, want a header and two records", rows)
	}
	col := func(row []string, name string) string { return row[slices.Index(recordColumns, name)] }
	if col(rows[1], "time") != "2030-01-02T03:04:05Z" || col(rows[1], "port") != "/dev/ttyUSB2" || col(rows[1], "stage") != StageIdentity ||
		col(rows[1], "error") != PhraseDeviceExists+" (ec600n-1)" || col(rows[2], "error") != "a, \"quoted\" cause (ec600n-1)" {
		t.Fatalf("records %q", rows[1:])
	}
}

func TestRecordJSONLinesFromManyGoroutines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tray.jsonl")
	rc := newRecorder(path)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			if err := rc.append(sampleResult("/dev/ttyUSB" + string(rune('a'+i)))); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	lines := 0
	for sc := bufio.NewScanner(f); sc.Scan(); lines++ {
		var rec map[string]string
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d is not one JSON object: %q", lines, sc.Text())
		}
		for _, k := range recordColumns {
			if _, ok := rec[k]; !ok {
				t.Fatalf("line %d lacks %q: %q", lines, k, sc.Text())
			}
		}
	}
	if lines != 20 {
		t.Fatalf("%d lines, want 20", lines)
	}
}

func TestRecordFormatByExtension(t *testing.T) {
	for path, want := range map[string]string{"a.csv": formatCSV, "A.CSV": formatCSV, "a.jsonl": formatJSONL,
		"a.ndjson": formatJSONL, "a.json": formatJSONL, "a.txt": "", "a": ""} {
		if got := recordFormatOf(path); got != want {
			t.Errorf("recordFormatOf(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestRecordUnwritableFails(t *testing.T) {
	rc := newRecorder(filepath.Join(t.TempDir(), "missing", "tray.csv"))
	if err := rc.append(sampleResult("COM5")); err == nil {
		t.Fatal("append into a missing folder succeeded")
	}
}

// An online result's confirmation and TLS reach the record's columns.
func TestRecordCarriesConfirmedAndTLS(t *testing.T) {
	r := sampleResult("COM5")
	r.Result, r.Stage, r.Error, r.Detail = ResultOnline, "", "", ""
	r.Confirmed, r.TLS, r.TLSReason = ConfirmedModule, TLSUnverified, "ValueError MQTT Connect error='unexpected keyword argument 'ca'' FAIL"
	path := filepath.Join(t.TempDir(), "tray.jsonl")
	if err := newRecorder(path).append(r); err != nil {
		t.Fatal(err)
	}
	var rec map[string]string
	if err := json.Unmarshal([]byte(readFile(t, path)), &rec); err != nil {
		t.Fatal(err)
	}
	if rec["result"] != "online" || rec["confirmed"] != "module" || rec["tls"] != "unverified" || rec["tlsReason"] != r.TLSReason {
		t.Fatalf("record %v", rec)
	}
}

// CheckRecordFile finds every record that cannot be kept before a batch
// starts, and leaves a usable file alone.
func TestCheckRecordFile(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "folder.csv")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	foreign := filepath.Join(dir, "old.csv")
	os.WriteFile(foreign, []byte("time,port,model,imei,iccid,deviceId,hub,auth,result,stage,error\n"), 0o644)
	ours := filepath.Join(dir, "ours.csv")
	os.WriteFile(ours, []byte(strings.Join(recordColumns, ",")+"\n"), 0o644)
	lines := filepath.Join(dir, "any.jsonl")
	os.WriteFile(lines, []byte("{\"port\":\"COM5\"}\n"), 0o644)
	for _, tc := range []struct {
		path, phrase string
	}{
		{"", ""},
		{filepath.Join(dir, "no", "such", "r.csv"), PhraseRecord},
		{folder, PhraseRecord},
		{foreign, PhraseRecordColumns},
		{ours, ""},
		{lines, ""},
		{filepath.Join(dir, "new.csv"), ""},
	} {
		err := CheckRecordFile(tc.path)
		var se *StageError
		switch {
		case tc.phrase == "" && err != nil:
			t.Errorf("%s: %v", tc.path, err)
		case tc.phrase != "" && (!errors.As(err, &se) || se.Stage != StageRecord || se.Message != tc.phrase || se.NextStep == ""):
			t.Errorf("%s: %v, want %q", tc.path, err, tc.phrase)
		}
	}
	if readFile(t, lines) != "{\"port\":\"COM5\"}\n" || readFile(t, ours) != strings.Join(recordColumns, ",")+"\n" {
		t.Fatal("the check changed a record file")
	}
	// A file the check created gets its header with the first record.
	path := filepath.Join(dir, "new.csv")
	if st, err := os.Stat(path); err != nil || st.Size() != 0 {
		t.Fatalf("new record: %v", err)
	}
	if err := newRecorder(path).append(sampleResult("COM5")); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(readFile(t, path), strings.Join(recordColumns, ",")+"\n") {
		t.Fatalf("record %q lacks its header", readFile(t, path))
	}
}

// A batch whose record cannot be kept fails every module at the record
// stage without opening one port.
func TestRunRefusesUnwritableRecordBeforeModules(t *testing.T) {
	p := newPipeline(Plan{Mode: IdentityRegistry, HubConnectionString: testPolicyCS,
		RecordFile: filepath.Join(t.TempDir(), "missing", "tray.csv")})
	opened := 0
	p.open = func(ctx context.Context, port string) (*repl.Session, error) {
		opened++
		return nil, errors.New("no module here")
	}
	results := p.run(context.Background(), []string{"/dev/ttyUSB2", "/dev/ttyUSB6"}, nil)
	if opened != 0 {
		t.Fatalf("%d ports opened", opened)
	}
	for _, r := range results {
		if r.Result != ResultFailed || r.Stage != StageRecord || r.Error != PhraseRecord || r.Advice != AdviceRecord ||
			!strings.Contains(r.Detail, "tray.csv") {
			t.Fatalf("result %+v", r)
		}
	}
}
