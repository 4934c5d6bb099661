package modfs

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"qpyhub/device/testpeer"
)

// withoutCRC32 stands in for firmware with neither uhashlib nor
// ubinascii.crc32: every later import of either sees it.
const withoutCRC32 = `import sys, ubinascii as _b
class _nb:
    pass
for _n in ('hexlify', 'unhexlify', 'a2b_base64', 'b2a_base64'):
    setattr(_nb, _n, staticmethod(getattr(_b, _n)))
sys.modules['uhashlib'] = 0
sys.modules['ubinascii'] = _nb
`

// dataCommands counts the data commands the module got so far.
func dataCommands(p *testpeer.Peer) int { return strings.Count(string(p.Received()), "_qpyw(b'") }

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.UintN(256))
	}
	return b
}

func TestPutSkipsUnchangedFiles(t *testing.T) {
	firmware := []struct {
		name   string
		setup  string
		skips  bool // the firmware's digest can tell files apart
		digest string
	}{
		{"uhashlib", "", true, "sha256"},
		{"crc32 only", "import sys\nsys.modules['uhashlib'] = 0\n", true, "crc32"},
		{"byte sum only", withoutCRC32, false, "sum"},
	}
	for _, fw := range firmware {
		t.Run(fw.name, func(t *testing.T) {
			t.Parallel()
			fs, s, p, ctx := startFS(t, testpeer.Options{})
			if fw.setup != "" {
				if _, err := s.Exec(ctx, fw.setup); err != nil {
					t.Fatal(err)
				}
			}
			rng := rand.New(rand.NewPCG(7, 8))
			data := randomBytes(rng, 5000)
			put := func(content []byte, opts PutOptions) PutResult {
				t.Helper()
				res, err := fs.PutFile(ctx, "/usr/app.bin", bytes.NewReader(content), int64(len(content)), opts)
				if err != nil {
					t.Fatal(err)
				}
				return res
			}
			if res := put(data, PutOptions{}); res.Skipped || res.Sent != 5000 {
				t.Fatalf("first upload: %+v", res)
			}
			before := dataCommands(p)
			var progressed int64
			res := put(data, PutOptions{Progress: func(done, total int64) { progressed = done }})
			if res.Skipped != fw.skips || (dataCommands(p) == before) != fw.skips {
				t.Fatalf("same file again: %+v, %d data commands sent; want skipped %v", res, dataCommands(p)-before, fw.skips)
			}
			if progressed != 5000 {
				t.Errorf("progress ended at %d", progressed)
			}
			if res := put(data, PutOptions{Force: true}); res.Skipped || res.Sent != 5000 {
				t.Fatalf("forced upload: %+v", res)
			}
			// Same size, two bytes swapped: a byte sum cannot see it.
			changed := bytes.Clone(data)
			changed[10], changed[11] = data[11], data[10]
			if changed[10] == changed[11] {
				t.Fatal("pick other bytes")
			}
			if res := put(changed, PutOptions{}); res.Skipped {
				t.Fatalf("changed file skipped: %+v", res)
			}
			var back bytes.Buffer
			if _, err := fs.Get(ctx, "/usr/app.bin", &back, nil); err != nil || !bytes.Equal(back.Bytes(), changed) {
				t.Fatalf("module holds %d bytes (%v), not the changed file", back.Len(), err)
			}
			out, err := s.Exec(ctx, "import uos, ubinascii\nprint("+hDigest+"('/usr/app.bin'))")
			if err != nil || !strings.Contains(out.Stdout, " "+fw.digest+" ") {
				t.Fatalf("module digest %q, %v; want kind %s", out.Stdout, err, fw.digest)
			}
		})
	}
}

// FS-wide Force, as "fs put --force" sets it.
func TestOptionsForce(t *testing.T) {
	t.Parallel()
	_, s, p, ctx := startFS(t, testpeer.Options{})
	fs := New(s, Options{Force: true})
	for range 2 {
		if err := fs.Put(ctx, "/usr/a.txt", strings.NewReader("hello"), 5, nil); err != nil {
			t.Fatal(err)
		}
	}
	if got := dataCommands(p); got != 2 {
		t.Fatalf("%d data commands, want 2: Force sends every time", got)
	}
}

// On firmware without raw-paste, with no pause between commands, no byte
// is lost: many uploads of random sizes and content, each checked on the
// module with SHA-256 by code other than the upload's own.
func TestNoByteLostOnOldFirmware(t *testing.T) {
	links := []struct {
		name  string
		opts  testpeer.Options
		files int
		max   int
	}{
		{"full speed", testpeer.Options{RawPaste: testpeer.RawPasteUnsupported}, 60, 20000},
		{"115200 baud", testpeer.Options{RawPaste: testpeer.RawPasteUnsupported, Baud: 115200}, 8, 3000},
	}
	for _, link := range links {
		t.Run(link.name, func(t *testing.T) {
			t.Parallel()
			fs, s, _, ctx := startFS(t, link.opts)
			rng := rand.New(rand.NewPCG(9, uint64(link.files)))
			want := map[string]string{}
			for i := range link.files {
				size := rng.IntN(link.max)
				if i < 4 {
					size = []int{0, 1, 255, 256}[i]
				}
				data := randomBytes(rng, size)
				name := fmt.Sprintf("/usr/r%02d.bin", i)
				if err := fs.Put(ctx, name, bytes.NewReader(data), int64(size), nil); err != nil {
					t.Fatalf("Put %s (%d bytes): %v", name, size, err)
				}
				sum := sha256.Sum256(data)
				want[name] = fmt.Sprintf("%d %s", size, hex.EncodeToString(sum[:]))
			}
			code := `import uhashlib, ubinascii, uos
for n in sorted(uos.listdir('/usr')):
    d = open('/usr/' + n, 'rb').read()
    print('/usr/' + n, len(d), ubinascii.hexlify(uhashlib.sha256(d).digest()).decode())
`
			res, err := s.Exec(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
			if len(lines) != len(want) {
				t.Fatalf("module lists %d files, want %d:\n%s", len(lines), len(want), res.Stdout)
			}
			for _, line := range lines {
				name, got, _ := strings.Cut(line, " ")
				if want[name] != got {
					t.Errorf("%s on the module: %s, sent %s", name, got, want[name])
				}
			}
		})
	}
}
