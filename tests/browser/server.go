package browser

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// PageServer serves a test's pages on 127.0.0.1 (httptest picks loopback).
// Mux is open for the test's own handlers.
type PageServer struct {
	*httptest.Server
	Mux *http.ServeMux
}

// Serve starts a page server for t, closed when t ends. It serves:
//
//	/              pages (for example os.DirFS("testdata"))
//	/node_modules/ tests/browser/node_modules, read-only
//	/jssip.js      JsSIP from node_modules as one browser script that sets
//	               the global JsSIP, built on first request (JsSIP ships only
//	               CommonJS sources, so esbuild bundles them)
func (e Env) Serve(t testing.TB, pages fs.FS) *PageServer {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/", http.FileServerFS(pages))
	// Chromium asks for it on every page; a 404 in every log is noise.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	mux.Handle("/node_modules/", http.StripPrefix("/node_modules/",
		http.FileServer(http.Dir(filepath.Join(e.Dir, "node_modules")))))

	bundleDir := t.TempDir()
	var (
		once   sync.Once
		mu     sync.Mutex
		bundle string
		err    error
	)
	// The page only sees a 500; the test gets the reason when it ends
	// (registered first, so it runs after the server has closed).
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("serve /jssip.js: %v", err)
		}
	})
	mux.HandleFunc("GET /jssip.js", func(w http.ResponseWriter, r *http.Request) {
		// Not the request's context: a cancelled first request must not
		// spoil the bundle for the next.
		once.Do(func() {
			b, berr := e.BundleJsSIP(context.Background(), bundleDir)
			mu.Lock()
			bundle, err = b, berr
			mu.Unlock()
		})
		mu.Lock()
		path, berr := bundle, err
		mu.Unlock()
		if berr != nil {
			http.Error(w, berr.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
		http.ServeFile(w, r, path)
	})

	s := &PageServer{Server: httptest.NewServer(mux), Mux: mux}
	t.Cleanup(s.Close)
	return s
}

// BundleJsSIP builds node_modules/jssip into dir/jssip.js, an IIFE that
// sets window.JsSIP, and returns its path.
func (e Env) BundleJsSIP(ctx context.Context, dir string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out := filepath.Join(dir, "jssip.js")
	// .bin/esbuild is either esbuild's Node shim, which runs the native
	// binary of the npm package @esbuild/linux-x64 (npm ci --ignore-scripts),
	// or that binary itself when esbuild's install script ran.
	cmd := e.command(ctx, filepath.Join(e.Dir, "node_modules", ".bin", "esbuild"),
		filepath.Join("node_modules", "jssip", "lib", "JsSIP.js"),
		"--bundle", "--format=iife", "--global-name=JsSIP", "--platform=browser",
		"--target=chrome120", "--log-level=warning", "--outfile="+out)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("bundle jssip: %w\n%s", err, msg)
	}
	return out, nil
}
