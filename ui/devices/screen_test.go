package devices

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"qpyhub/ui/internal/uitest"
)

// openScreen shows the screen on a big test window with the fake as its
// local hub, and taps Local hub.
func openScreen(t *testing.T, n int) (*Screen, *fakeFleet, *uitest.Queue, fyne.Window) {
	t.Helper()
	test.NewTempApp(t)
	fleet, q := newFakeFleet(n), uitest.NewQueue()
	s := NewScreen(nil, fakeSource{fleet}, q.Post)
	w := uitest.ShowBig(t, s.Content())
	s.win = w
	test.Tap(s.Local)
	return s, fleet, q, w
}

// loaded waits until no page is on its way and at least want rows are in.
func loaded(t *testing.T, s *Screen, q *uitest.Queue, want int) {
	t.Helper()
	q.RunUntil(t, "the rows loaded", func() bool { return !s.rows.loading && len(s.rows.items) >= want })
}

// visibleChecks are the tick boxes of the rows the list shows.
func visibleChecks(s *Screen) []*widget.Check {
	var out []*widget.Check
	uitest.Walk(s.List, func(o fyne.CanvasObject) bool {
		if c, ok := o.(*widget.Check); ok && o.Visible() {
			out = append(out, c)
		}
		return o.Visible()
	})
	return out
}

func TestListLoadsPageByPageAndOnlyShownRowsExist(t *testing.T) {
	s, fleet, q, _ := openScreen(t, 250)
	loaded(t, s, q, pageSize)
	if got := s.List.Length(); got != pageSize {
		t.Fatalf("list holds %d rows after the first page, want %d", got, pageSize)
	}
	if checks := len(visibleChecks(s)); checks == 0 || checks >= pageSize {
		t.Fatalf("%d row widgets exist for %d rows: the list is not virtual", checks, pageSize)
	}
	if !strings.Contains(s.Count.Text, "more follow") {
		t.Errorf("count %q does not say more follow", s.Count.Text)
	}
	for len(s.rows.items) < 250 {
		s.List.ScrollToBottom()
		loaded(t, s, q, len(s.rows.items)+1)
	}
	s.List.ScrollToBottom()
	if s.rows.next != "" || fleet.queries != 3 || s.Count.Text != "250 devices" {
		t.Fatalf("after scrolling: %d pages asked, count %q", fleet.queries, s.Count.Text)
	}
}

func TestSearchBecomesTheQuery(t *testing.T) {
	s, _, q, _ := openScreen(t, 40)
	loaded(t, s, q, 40)
	test.Type(s.Search, "WHERE tags.even = true")
	s.Search.OnSubmitted(s.Search.Text)
	loaded(t, s, q, 20)
	if len(s.rows.items) != 20 || s.rows.items[1].DeviceID != "d002" {
		t.Fatalf("%d rows after the search, want the 20 even devices", len(s.rows.items))
	}
	test.Type(s.Search, " AND")
	s.Search.OnSubmitted(s.Search.Text)
	q.RunUntil(t, "the query's error", func() bool { return !s.rows.loading && s.Message.Text != "" })
}

func TestDetailShowsAndSavesTheTwin(t *testing.T) {
	s, fleet, q, _ := openScreen(t, 5)
	loaded(t, s, q, 5)
	s.List.Select(2)
	q.RunUntil(t, "the twin", func() bool { return strings.Contains(s.detail.Twin.Text, "V2") })
	if got := s.detail.Telemetry.Text; got != `Last telemetry, 2030-01-02 03:04:05: {"t":21}` {
		t.Errorf("telemetry line %q", got)
	}
	s.detail.Desired.SetText(`{"interval": 30}`)
	test.Tap(s.detail.Save)
	q.RunUntil(t, "saved", func() bool { return s.detail.Answer.Text == "Saved." })
	if got := fleet.changeLog(); len(got) != 1 || got[0] != "update d002" {
		t.Fatalf("changes %v", got)
	}
	s.detail.Tags.SetText(`{"site": "lab"}`) // "even" taken out
	test.Tap(s.detail.Save)
	q.RunUntil(t, "saved again", func() bool { return s.detail.Answer.Text == "Saved." })
	if tw, _ := fleet.GetTwin(context.Background(), "d002"); tw.Tags["site"] != "lab" || tw.Tags["even"] != nil || tw.Properties.Desired["interval"] != 30.0 {
		t.Fatalf("tags %v desired %v: a key taken out of the editor must go", tw.Tags, tw.Properties.Desired)
	}
	test.Type(s.detail.Method, "ping")
	test.Tap(s.detail.Call)
	q.RunUntil(t, "the answer", func() bool { return strings.Contains(s.detail.Answer.Text, "Status 200") })
}

func TestBulkActionsOnTickedRows(t *testing.T) {
	s, fleet, q, w := openScreen(t, 30)
	loaded(t, s, q, 30)
	checks := visibleChecks(s)
	for _, c := range checks[:3] {
		test.Tap(c)
	}
	if !strings.Contains(s.bulk.Ticked.Text, "3") || s.bulk.Set.Disabled() {
		t.Fatalf("ticked %q, Set disabled %v", s.bulk.Ticked.Text, s.bulk.Set.Disabled())
	}
	test.Type(s.bulk.Desired, `{"mode":"eco"}`)
	test.Tap(s.bulk.Set)
	q.RunUntil(t, "three results", func() bool { return strings.Count(s.bulk.Results.Text, "\n") == 2 })
	test.Type(s.bulk.Method, "ping")
	test.Tap(s.bulk.Call)
	q.RunUntil(t, "three answers", func() bool { return strings.Contains(s.bulk.Progress.Text, "3 of 3") })
	if !strings.Contains(s.bulk.Results.Text, "d001: ") || !strings.Contains(s.bulk.Results.Text, "d000: status 200") {
		t.Errorf("results %q", s.bulk.Results.Text)
	}

	test.Tap(s.bulk.Delete)
	top := w.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(uitest.ShownText(top), "Delete 3 devices") {
		t.Fatalf("no confirmation naming the count")
	}
	tapButton(t, top, "Yes")
	q.RunUntil(t, "deletes", func() bool {
		return strings.Contains(s.bulk.Progress.Text, "3 of 3") && strings.Contains(s.bulk.Results.Text, "deleted")
	})
	want := []string{"update d000", "update d001", "update d002", "invoke ping d000", "invoke ping d001", "invoke ping d002", "delete d000", "delete d001", "delete d002"}
	if got := fleet.changeLog(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("changes %v\nwant %v", got, want)
	}
}

func TestManyTickedDevicesBecomeOneJob(t *testing.T) {
	s, fleet, q, _ := openScreen(t, 30)
	loaded(t, s, q, 30)
	for _, d := range s.rows.items[:12] {
		s.tick(d.DeviceID, true) // more than a screen of rows: ticked as the boxes do
	}
	test.Type(s.bulk.Tags, `{"batch": 2}`)
	test.Tap(s.bulk.Set)
	q.RunUntil(t, "the job's end", func() bool { return strings.Contains(s.bulk.Progress.Text, "completed: 12 of 12") })
	if got := fleet.changeLog(); len(got) != 1 || got[0] != "job scheduleUpdateTwin 12 devices" {
		t.Fatalf("changes %v, want one job for the 12", got)
	}
}

func TestExportCSV(t *testing.T) {
	s, _, q, _ := openScreen(t, 4)
	loaded(t, s, q, 4)
	s.tick("d001", true)
	s.tick("d003", true)
	var b bytes.Buffer
	if err := s.ExportCSV(&b); err != nil {
		t.Fatal(err)
	}
	records, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(records) != 3 || records[0][0] != "deviceId" || records[1][0] != "d001" || records[2][7] != "V3" {
		t.Fatalf("csv %v", records)
	}
}

// tapButton taps the button labelled text under o.
func tapButton(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	var found *widget.Button
	uitest.Walk(o, func(c fyne.CanvasObject) bool {
		if b, ok := c.(*widget.Button); ok && b.Text == text {
			found = b
		}
		return true
	})
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	test.Tap(found)
}

func TestSortLoadsEveryPageThenOrders(t *testing.T) {
	s, fleet, q, _ := openScreen(t, 250)
	loaded(t, s, q, pageSize)
	firmware := s.headers[5]
	test.Tap(firmware)
	q.RunUntil(t, "every page", func() bool { return len(s.rows.items) == 250 && !s.rows.loading })
	if got := s.rows.items[1].Firmware; got != "V1" || firmware.Icon != theme.MenuDropUpIcon() || fleet.queries != 3 {
		t.Fatalf("ascending: second row %q, %d pages", got, fleet.queries)
	}
	test.Tap(firmware)
	if got := s.rows.items[0].Firmware; got != "V99" || firmware.Icon != theme.MenuDropDownIcon() {
		t.Fatalf("descending: first row %q", got)
	}
}
