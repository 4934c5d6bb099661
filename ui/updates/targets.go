package updates

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/app/ota"
	"qpyhub/cloud/registry"
	"qpyhub/ui/widgets"
)

// Ways to pick the modules, as the radio group's indexes.
const (
	pickOne = iota
	pickTicked
	pickQuery
)

// targetPicker picks the modules: one device by id, devices ticked in
// the hub's list, or every device a query matches.
type targetPicker struct {
	s       *Screen
	Mode    *widget.RadioGroup
	modes   []string
	One     *widgets.InputField
	Filter  *widget.Entry // a WHERE condition narrowing the list
	Load    *widget.Button
	List    *widget.List
	Count   *widget.Label // listed and ticked
	Query   *widgets.InputField
	Preview *widget.Button
	Matches *widget.Label

	devices []registry.DeviceSummary
	ticked  map[string]bool
	loading int // counts loads, so an older answer is dropped
	one     *fyne.Container
	list    *fyne.Container
	query   *fyne.Container
	content fyne.CanvasObject
}

func newTargetPicker(s *Screen) *targetPicker {
	p := &targetPicker{s: s, ticked: map[string]bool{}}
	p.modes = []string{lang.L("One device"), lang.L("Ticked devices"), lang.L("By query")}
	p.Mode = widget.NewRadioGroup(p.modes, func(string) { p.showMode() })
	p.Mode.Horizontal = true
	p.Mode.Required = true
	one := widget.NewEntry()
	one.SetPlaceHolder(lang.L("device id, e.g. pump-017"))
	p.One = widgets.NewInputField(lang.L("Device id"), one)
	p.Filter = widget.NewEntry()
	p.Filter.SetPlaceHolder(lang.L("all devices, or e.g. WHERE tags.site = 'lab'"))
	p.Filter.OnSubmitted = func(string) { p.load() }
	p.Load = widget.NewButton(lang.L("List devices"), p.load)
	p.List = widget.NewList(func() int { return len(p.devices) }, p.newRow, p.updateRow)
	p.Count = widget.NewLabel("")
	query := widget.NewEntry()
	query.SetPlaceHolder(lang.L("e.g. WHERE tags.product = 'meter' AND properties.reported.qpyhub.model = 'EC600N'"))
	query.OnChanged = func(string) { p.Matches.SetText("") }
	p.Query = widgets.NewInputField(lang.L("Query"), query)
	p.Preview = widget.NewButton(lang.L("Count the devices it matches"), p.preview)
	p.Matches = widget.NewLabel("")
	p.Matches.Wrapping = fyne.TextWrapWord

	// The list scrolls inside the form's own scroll: give it a height.
	room := canvas.NewRectangle(nil)
	room.SetMinSize(fyne.NewSize(10, 150))
	p.one = container.NewVBox(p.One.Content())
	p.list = container.NewVBox(container.NewBorder(nil, nil, nil, p.Load, p.Filter), container.NewStack(room, p.List), p.Count)
	p.query = container.NewVBox(p.Query.Content(), container.NewBorder(nil, nil, nil, p.Preview, p.Matches))
	p.content = container.NewVBox(heading(lang.L("Modules to update")), p.Mode, p.one, p.list, p.query)
	p.Mode.SetSelected(p.modes[pickOne])
	p.showCount()
	return p
}

// mode is the way chosen to pick the modules.
func (p *targetPicker) mode() int {
	for i, m := range p.modes {
		if m == p.Mode.Selected {
			return i
		}
	}
	return pickOne
}

// showMode shows the inputs of the way chosen.
func (p *targetPicker) showMode() {
	m := p.mode()
	for i, c := range []*fyne.Container{p.one, p.list, p.query} {
		c.Hidden = i != m
		c.Refresh()
	}
	if m == pickTicked && p.s.hub != nil && len(p.devices) == 0 {
		p.load()
	}
	p.s.refreshStart()
}

func (p *targetPicker) newRow() fyne.CanvasObject {
	state := widget.NewLabel("")
	return container.NewBorder(nil, nil, widget.NewCheck("", nil), state, widget.NewLabel(""))
}

func (p *targetPicker) updateRow(id widget.ListItemID, o fyne.CanvasObject) {
	if id < 0 || id >= len(p.devices) {
		return
	}
	d := p.devices[id]
	row := o.(*fyne.Container)
	name, check, state := row.Objects[0].(*widget.Label), row.Objects[1].(*widget.Check), row.Objects[2].(*widget.Label)
	name.SetText(d.DeviceID)
	check.OnChanged = nil
	check.SetChecked(p.ticked[d.DeviceID])
	check.OnChanged = func(on bool) { p.tick(d.DeviceID, on) }
	state.SetText(deviceNote(d))
}

// deviceNote is what the list says beside a device: its application's
// version when it reports one, and whether it is online.
func deviceNote(d registry.DeviceSummary) string {
	online := lang.L("offline")
	if d.ConnectionState == "Connected" {
		online = lang.L("online")
	}
	if d.AppVersion == "" {
		return online
	}
	return lang.L("app {{.Version}}", map[string]any{"Version": d.AppVersion}) + " · " + online
}

func (p *targetPicker) tick(id string, on bool) {
	if on {
		p.ticked[id] = true
	} else {
		delete(p.ticked, id)
	}
	p.showCount()
}

func (p *targetPicker) showCount() {
	p.Count.SetText(lang.L("{{.Count}} devices listed · {{.Ticked}} ticked", map[string]any{"Count": len(p.devices), "Ticked": len(p.ticked)}))
}

// hubChanged forgets the devices of another hub.
func (p *targetPicker) hubChanged() {
	p.devices, p.ticked = nil, map[string]bool{}
	p.loading++
	p.List.Refresh()
	p.showCount()
	p.Matches.SetText("")
	if p.mode() == pickTicked {
		p.load()
	}
}

// load lists the hub's devices the filter matches.
func (p *targetPicker) load() {
	hub := p.s.hub
	if hub == nil {
		p.Count.SetText(lang.L("Choose a hub first: the local hub, or paste a policy connection string and connect."))
		return
	}
	p.loading++
	loading, where := p.loading, strings.TrimSpace(p.Filter.Text)
	p.Count.SetText(lang.L("Listing devices…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		list, err := hub.Devices(ctx, where)
		p.s.post(func() {
			if loading != p.loading {
				return
			}
			if err != nil {
				p.Count.SetText(widgets.ErrorText(err))
				return
			}
			p.devices = list
			p.List.Refresh()
			p.showCount()
		})
	}()
}

// preview counts the devices the query matches.
func (p *targetPicker) preview() {
	hub, where := p.s.hub, strings.TrimSpace(p.Query.Entry.Text)
	if hub == nil {
		p.Matches.SetText(lang.L("Choose a hub first: the local hub, or paste a policy connection string and connect."))
		return
	}
	p.Matches.SetText(lang.L("Counting…"))
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), callTimeout)
		defer cancel()
		list, err := hub.Devices(ctx, where)
		p.s.post(func() {
			if err != nil {
				p.Matches.SetText(widgets.ErrorText(err))
				return
			}
			p.Matches.SetText(lang.L("It matches {{.Count}} devices now; devices that match later are not updated.", map[string]any{"Count": len(list)}))
		})
	}()
}

// chosen are the targets picked, or an error shown beside the input at
// fault.
func (p *targetPicker) chosen() (ota.Targets, error) {
	p.One.SetError(nil)
	p.Query.SetError(nil)
	switch p.mode() {
	case pickTicked:
		var ids []string
		for _, d := range p.devices {
			if p.ticked[d.DeviceID] {
				ids = append(ids, d.DeviceID)
			}
		}
		if len(ids) == 0 {
			p.Count.SetText(lang.L("Tick at least one device in the list."))
			return ota.Targets{}, errNoTargets
		}
		return ota.Targets{DeviceIDs: ids}, nil
	case pickQuery:
		q := strings.TrimSpace(p.Query.Entry.Text)
		if q == "" {
			p.Query.ShowErrorText(lang.L("Type a condition, e.g. WHERE tags.site = 'lab'."))
			return ota.Targets{}, errNoTargets
		}
		return ota.Targets{Query: q}, nil
	}
	id := strings.TrimSpace(p.One.Entry.Text)
	if id == "" {
		p.One.ShowErrorText(lang.L("Type the device id of the module."))
		return ota.Targets{}, errNoTargets
	}
	return ota.Targets{DeviceIDs: []string{id}}, nil
}

// errNoTargets: the picker already shows what is missing.
var errNoTargets = errors.New("no targets")
