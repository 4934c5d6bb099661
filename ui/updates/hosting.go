package updates

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"qpyhub/ui/widgets"
)

// defaultContainer is the Blob container the files go to unless the
// user names another; the command line uses the same.
const defaultContainer = "qpyhub-ota"

// urlLifetimes are the lifetimes offered for the storage URLs; the
// default is a week, as on the command line.
var urlLifetimes = []struct {
	label string
	d     time.Duration
}{
	{"1 day", 24 * time.Hour},
	{"7 days", 7 * 24 * time.Hour},
	{"30 days", 30 * 24 * time.Hour},
}

// hostingForm says where the files go: the local hub, a storage account,
// or a URL prefix the user serves.
type hostingForm struct {
	s        *Screen
	Kind     *widget.RadioGroup
	kinds    []string
	Account  *widgets.InputField // the storage connection string; masked
	Box      *widgets.InputField // the Blob container
	Lifetime *widget.Select
	Prefix   *widgets.InputField
	storage  *fyne.Container
	prefix   *fyne.Container
	content  fyne.CanvasObject
}

func newHostingForm(s *Screen) *hostingForm {
	h := &hostingForm{s: s}
	h.kinds = []string{lang.L("Local hub"), lang.L("Azure storage"), lang.L("Web address")}
	h.Kind = widget.NewRadioGroup(h.kinds, func(string) { h.showKind() })
	h.Kind.Horizontal = true
	h.Kind.Required = true
	account := widget.NewPasswordEntry()
	account.SetPlaceHolder(lang.L("DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…"))
	h.Account = widgets.NewInputField(lang.L("Storage account connection string"), account)
	box := widget.NewEntry()
	box.SetText(defaultContainer)
	h.Box = widgets.NewInputField(lang.L("Container"), box)
	var labels []string
	for _, l := range urlLifetimes {
		labels = append(labels, lang.L(l.label))
	}
	h.Lifetime = widget.NewSelect(labels, nil)
	h.Lifetime.SetSelectedIndex(1)
	lifetime := container.NewBorder(nil, nil, widget.NewLabel(lang.L("The modules' download links work for")), nil, h.Lifetime)
	prefix := widget.NewEntry()
	prefix.SetPlaceHolder("https://files.example.com/app/1.3")
	h.Prefix = widgets.NewInputField(lang.L("Web address the files are under"), prefix)
	h.storage = container.NewVBox(h.Account.Content(), h.Box.Content(), lifetime)
	hint := widget.NewLabel(lang.L("Each file must be at this address followed by its path under /usr, e.g. …/lib/util.py for /usr/lib/util.py."))
	hint.Wrapping = fyne.TextWrapWord
	h.prefix = container.NewVBox(h.Prefix.Content(), hint)
	h.content = container.NewVBox(heading(lang.L("Where the modules download the files from")), h.Kind, h.storage, h.prefix)
	h.Kind.SetSelected(h.kinds[HostLocalHub])
	return h
}

// kind is the hosting chosen.
func (h *hostingForm) kind() HostKind {
	for i, k := range h.kinds {
		if k == h.Kind.Selected {
			return HostKind(i)
		}
	}
	return HostLocalHub
}

func (h *hostingForm) showKind() {
	k := h.kind()
	h.storage.Hidden = k != HostStorage
	h.storage.Refresh()
	h.prefix.Hidden = k != HostURLPrefix
	h.prefix.Refresh()
}

// preferLocal picks the local hub for the local hub and a storage
// account for an Azure hub, which does not host files, unless the user
// already chose something else than the local hub.
func (h *hostingForm) preferLocal(local bool) {
	switch {
	case local:
		h.Kind.SetSelected(h.kinds[HostLocalHub])
	case h.kind() == HostLocalHub:
		h.Kind.SetSelected(h.kinds[HostStorage])
	}
}

// chosen is the hosting, or an error shown beside the input at fault.
func (h *hostingForm) chosen() (Hosting, error) {
	for _, f := range []*widgets.InputField{h.Account, h.Box, h.Prefix} {
		f.SetError(nil)
	}
	switch h.kind() {
	case HostStorage:
		cs, box := strings.TrimSpace(h.Account.Entry.Text), strings.TrimSpace(h.Box.Entry.Text)
		if cs == "" {
			h.Account.ShowErrorText(lang.L("Paste the storage account's connection string (Azure portal: the account, Access keys)."))
			return Hosting{}, errBadHosting
		}
		if !strings.Contains(strings.ToLower(cs), "accountkey=") {
			h.Account.ShowErrorText(lang.L("This connection string has no AccountKey: copy the whole connection string from Access keys."))
			return Hosting{}, errBadHosting
		}
		if box == "" {
			h.Box.ShowErrorText(lang.L("Name the container, e.g. qpyhub-ota."))
			return Hosting{}, errBadHosting
		}
		i := max(h.Lifetime.SelectedIndex(), 0)
		return Hosting{Kind: HostStorage, ConnectionString: cs, Container: box, URLLifetime: urlLifetimes[i].d}, nil
	case HostURLPrefix:
		prefix := strings.TrimRight(strings.TrimSpace(h.Prefix.Entry.Text), "/")
		if u, err := url.Parse(prefix); err != nil || u.Scheme != "https" || u.Host == "" {
			h.Prefix.ShowErrorText(lang.L("Give an address that begins with https://, e.g. https://files.example.com/app/1.3"))
			return Hosting{}, errBadHosting
		}
		return Hosting{Kind: HostURLPrefix, URLPrefix: prefix}, nil
	}
	return Hosting{Kind: HostLocalHub}, nil
}

// secrets are the texts an error must never show: the connection string
// and its account key.
func (h *hostingForm) secrets() []string {
	cs := strings.TrimSpace(h.Account.Entry.Text)
	if cs == "" {
		return nil
	}
	out := []string{cs}
	for _, part := range strings.Split(cs, ";") {
		if k, v, ok := strings.Cut(part, "="); ok && strings.EqualFold(strings.TrimSpace(k), "AccountKey") && len(v) >= 4 {
			out = append(out, v)
		}
	}
	return out
}

// errBadHosting: the form already shows what is wrong.
var errBadHosting = errors.New("bad hosting")
