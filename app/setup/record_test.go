package setup

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

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
	if rows[1][0] != "2030-01-02T03:04:05Z" || rows[1][1] != "/dev/ttyUSB2" || rows[1][9] != StageIdentity ||
		rows[1][10] != PhraseDeviceExists+" (ec600n-1)" || rows[2][10] != "a, \"quoted\" cause (ec600n-1)" {
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
