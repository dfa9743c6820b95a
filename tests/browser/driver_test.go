package browser

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The control endpoint: unknown paths 404, a result that is not JSON is
// a 400, one for no step is taken and dropped, and once the test is over
// the scenario is told there is nothing more (204).
func TestDriverControl(t *testing.T) {
	var d *Driver
	t.Run("running", func(t *testing.T) { d = NewDriver(t) })
	srv := httptest.NewServer(d)
	defer srv.Close()
	for _, c := range []struct {
		method, path, body string
		want               int
	}{
		{"GET", "/ctl/nope", "", http.StatusNotFound},
		{"POST", "/ctl/result", "{not json", http.StatusBadRequest},
		{"POST", "/ctl/result", `{"id": 42, "value": 1}`, http.StatusNoContent},
		{"GET", "/ctl/next", "", http.StatusNoContent},
	} {
		req, err := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != c.want {
			t.Errorf("%s %s %q: %d, want %d", c.method, c.path, c.body, res.StatusCode, c.want)
		}
	}
}

// TestDrive moves a page through every kind of step drive.mjs has,
// choosing a file and catching a download included.
func TestDrive(t *testing.T) {
	t.Parallel()
	env := Require(t)
	srv := env.Serve(t, os.DirFS("testdata"))
	u := env.Drive(t, DriveOptions{URL: srv.URL, Control: srv})

	u.Viewport(800, 600)
	u.Open("/drive.html")
	u.Wait("#greet")
	u.WaitHidden("#out")
	u.Focus("#name")
	u.TypeText("Ad")
	u.Press("a")
	u.Fill("#name", u.Text("title")+" Ada")
	u.Click("#greet")
	u.WaitText("#out", "Hello")
	if got := u.Text("#out"); got != "Hello, drive Ada" {
		t.Errorf("text = %q, want Hello, drive Ada", got)
	}
	if got := u.Attr("#out", "data-greeted"); got != "yes" {
		t.Errorf("attr = %q, want yes", got)
	}
	var n int
	u.Eval("Promise.resolve(6 * 7)", &n)
	var greeted string
	u.Until("document.getElementById('out').dataset.greeted", &greeted)
	if n != 42 || greeted != "yes" {
		t.Errorf("eval = %d, until = %q; want 42, yes", n, greeted)
	}

	file := filepath.Join(t.TempDir(), "pick.txt")
	if err := os.WriteFile(file, []byte("picked content"), 0o644); err != nil {
		t.Fatal(err)
	}
	u.SetInputFiles("#file", file)
	u.WaitText("#picked", "pick.txt picked content")

	path, name := u.Download("#save", t.TempDir())
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if name != "greeting.txt" || string(b) != "saved drive Ada" {
		t.Errorf("download %q holds %q, want greeting.txt with \"saved drive Ada\"", name, b)
	}
	u.Shot("drive")
	u.End()
}
